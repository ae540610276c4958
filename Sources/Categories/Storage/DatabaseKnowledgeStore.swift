import Foundation
import GRDB

/// The SQLite-backed knowledge store.
public struct DatabaseKnowledgeStore: KnowledgeStore {
    let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    public func knowledgeBase() async throws -> KnowledgeBase {
        try await database.read { db in
            let categories = try CategoryRow.order(Column("position"), Column("id")).fetchAll(db).map(\.category)
            let entries = try KnowledgeEntryRow.order(Column("position"), Column("id")).fetchAll(db).map(\.entry)
            return try KnowledgeBase(categories: categories, entries: entries)
        }
    }

    public func isEmpty() async throws -> Bool {
        try await database.read { db in try CategoryRow.fetchCount(db) == 0 }
    }

    public func importCategories(
        _ categories: [(line: Int, record: Category)], mode: ImportMode, author: String
    ) async throws -> Int {
        var seen = Set<CategoryID>()
        for (line, category) in categories {
            if category.id.rawValue.trimmingCharacters(in: .whitespaces).isEmpty {
                throw KnowledgeStoreError(line: line, "missing \"id\"")
            }
            if category.name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw KnowledgeStoreError(line: line, "missing \"name\"")
            }
            guard seen.insert(category.id).inserted else {
                throw KnowledgeStoreError(line: line, "category \"\(category.id)\" appears twice")
            }
        }
        let kept = seen.map(\.rawValue)
        return try await database.write { db in
            if mode == .replace {
                let removed = try CategoryRow.filter(!kept.contains(Column("id"))).fetchAll(db)
                for row in removed {
                    let used = try KnowledgeEntryRow.filter(Column("category") == row.id).fetchCount(db)
                    if used > 0 {
                        throw KnowledgeStoreError(
                            "category \"\(row.id)\" is still used by \(used) entries; move or remove them first")
                    }
                    try row.delete(db)
                }
            }
            var position = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM category") ?? 0
            for (_, category) in categories {
                if var existing = try CategoryRow.fetchOne(db, key: category.id.rawValue) {
                    let retiredAt = existing.retiredAt
                    existing = CategoryRow(category, position: existing.position)
                    existing.retiredAt = category.retiredAt ?? retiredAt
                    try existing.update(db)
                } else {
                    position += 1
                    try CategoryRow(category, position: position).insert(db)
                }
            }
            return categories.count
        }
    }

    public func importEntries(
        _ entries: [(line: Int, record: KnowledgeEntry)], mode: ImportMode, author: String
    ) async throws -> Int {
        var seen = Set<KnowledgeEntryID>()
        for (line, entry) in entries {
            for (field, value) in [("id", entry.id.rawValue), ("question", entry.question), ("answer", entry.answer)]
            where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw KnowledgeStoreError(line: line, "missing \"\(field)\"")
            }
            guard seen.insert(entry.id).inserted else {
                throw KnowledgeStoreError(line: line, "entry \"\(entry.id)\" appears twice")
            }
        }
        let now = Date()
        let kept = seen.map(\.rawValue)
        return try await database.write { db in
            let categories = Dictionary(
                uniqueKeysWithValues: try CategoryRow.fetchAll(db).map { ($0.id, $0.retiredAt == nil) })
            for (line, entry) in entries {
                switch categories[entry.category.rawValue] {
                case nil: throw KnowledgeStoreError(line: line, "unknown category \"\(entry.category)\"")
                case false?: throw KnowledgeStoreError(line: line, "category \"\(entry.category)\" is retired")
                default: break
                }
            }
            if mode == .replace {
                let removed = try KnowledgeEntryRow.filter(!kept.contains(Column("id"))).fetchAll(db)
                for row in removed {
                    try row.delete(db)
                    try record(db, KnowledgeEntryID(rawValue: row.id), row.revision + 1, .deleted, nil, author, now)
                }
            }
            var position = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM knowledge_entry") ?? 0
            for (_, entry) in entries {
                if let existing = try KnowledgeEntryRow.fetchOne(db, key: entry.id.rawValue) {
                    guard existing.entry != entry else { continue }  // unchanged: no new revision
                    let row = KnowledgeEntryRow(
                        entry, revision: existing.revision + 1, updatedAt: now, updatedBy: author,
                        position: existing.position)
                    try row.update(db)
                    try record(db, entry.id, row.revision, .imported, entry, author, now)
                } else {
                    position += 1
                    let revision = try nextRevision(db, entry.id)
                    try KnowledgeEntryRow(entry, revision: revision, updatedAt: now, updatedBy: author, position: position)
                        .insert(db)
                    try record(db, entry.id, revision, .imported, entry, author, now)
                }
            }
            return entries.count
        }
    }

    public func revisions(of entryID: KnowledgeEntryID) async throws -> [KnowledgeRevision] {
        try await database.read { db in
            try KnowledgeRevision.filter(Column("entry_id") == entryID.rawValue).order(Column("revision")).fetchAll(db)
        }
    }

    /// The revision an entry id gets next: 1, or one past the last (an id deleted and imported again continues).
    private func nextRevision(_ db: Database, _ entryID: KnowledgeEntryID) throws -> Int {
        (try Int.fetchOne(
            db, sql: "SELECT MAX(revision) FROM knowledge_revision WHERE entry_id = ?", arguments: [entryID.rawValue])
            ?? 0) + 1
    }

    private func record(
        _ db: Database, _ entryID: KnowledgeEntryID, _ revision: Int, _ change: KnowledgeRevision.Change,
        _ entry: KnowledgeEntry?, _ author: String, _ now: Date
    ) throws {
        var revisionRecord = KnowledgeRevision(
            entryID: entryID, revision: revision, change: change, entry: entry, author: author, createdAt: now)
        try revisionRecord.insert(db)
    }
}
