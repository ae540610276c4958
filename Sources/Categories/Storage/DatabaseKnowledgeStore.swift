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
            let synonyms = try SynonymGroupRow.order(Column("id")).fetchAll(db).map { SynonymGroup(id: $0.id, terms: $0.terms) }
            return try KnowledgeBase(categories: categories, entries: entries, synonyms: synonyms)
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
                throw KnowledgeStoreError(.invalid, line: line, "missing \"id\"")
            }
            if category.name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw KnowledgeStoreError(.invalid, line: line, "missing \"name\"")
            }
            guard seen.insert(category.id).inserted else {
                throw KnowledgeStoreError(.invalid, line: line, "category \"\(category.id)\" appears twice")
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
                            .invalid, "category \"\(row.id)\" is still used by \(used) entries; move or remove them first")
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
        try await storeEntries(entries, mode: mode, author: author, change: .imported)
    }

    /// Validates and writes entries in one transaction; `change` is what their revisions say.
    private func storeEntries(
        _ entries: [(line: Int, record: KnowledgeEntry)], mode: ImportMode, author: String,
        change: KnowledgeRevision.Change
    ) async throws -> Int {
        var seen = Set<KnowledgeEntryID>()
        for (line, entry) in entries {
            for (field, value) in [("id", entry.id.rawValue), ("question", entry.question), ("answer", entry.answer)]
            where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw KnowledgeStoreError(.invalid, line: line, "missing \"\(field)\"")
            }
            guard seen.insert(entry.id).inserted else {
                throw KnowledgeStoreError(.invalid, line: line, "entry \"\(entry.id)\" appears twice")
            }
        }
        let now = Date()
        let kept = seen.map(\.rawValue)
        return try await database.write { db in
            let categories = Dictionary(
                uniqueKeysWithValues: try CategoryRow.fetchAll(db).map { ($0.id, $0.retiredAt == nil) })
            for (line, entry) in entries {
                switch categories[entry.category.rawValue] {
                case nil: throw KnowledgeStoreError(.invalid, line: line, "unknown category \"\(entry.category)\"")
                case false?: throw KnowledgeStoreError(.invalid, line: line, "category \"\(entry.category)\" is retired")
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
            for (_, entry) in entries {
                _ = try write(db, entry, change: change, author: author, now: now)
            }
            return entries.count
        }
    }

    public func saveEntry(_ entry: KnowledgeEntry, author: String) async throws -> Int {
        _ = try await storeEntries([(1, entry)], mode: .merge, author: author, change: .updated)
        return try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT revision FROM knowledge_entry WHERE id = ?", arguments: [entry.id.rawValue]) ?? 0
        }
    }

    public func deleteEntry(_ entryID: KnowledgeEntryID, author: String) async throws {
        let now = Date()
        try await database.write { db in
            guard let row = try KnowledgeEntryRow.fetchOne(db, key: entryID.rawValue) else {
                throw KnowledgeStoreError(.notFound, "no entry \"\(entryID)\"")
            }
            try row.delete(db)
            try record(db, entryID, row.revision + 1, .deleted, nil, author, now)
        }
    }

    public func rollBack(_ entryID: KnowledgeEntryID, to revision: Int, author: String) async throws -> KnowledgeEntry {
        let now = Date()
        return try await database.write { db in
            guard
                let target = try KnowledgeRevision.filter(
                    Column("entry_id") == entryID.rawValue && Column("revision") == revision
                ).fetchOne(db)
            else {
                throw KnowledgeStoreError(.notFound, "entry \"\(entryID)\" has no revision \(revision)")
            }
            guard let entry = target.entry else {
                throw KnowledgeStoreError(
                    .invalid, "revision \(revision) of \"\(entryID)\" is a deletion; roll back to an earlier one")
            }
            guard let category = try CategoryRow.fetchOne(db, key: entry.category.rawValue), category.retiredAt == nil else {
                throw KnowledgeStoreError(.conflict, "category \"\(entry.category)\" of that revision no longer takes entries")
            }
            _ = try write(db, entry, change: .rolledBack, author: author, now: now)
            return entry
        }
    }

    public func saveCategory(_ category: Category) async throws {
        _ = try await importCategories([(1, category)], mode: .merge, author: "admin")
    }

    public func retireCategory(_ categoryID: CategoryID, moveTo: CategoryID?, author: String) async throws {
        let now = Date()
        try await database.write { db in
            guard var category = try CategoryRow.fetchOne(db, key: categoryID.rawValue) else {
                throw KnowledgeStoreError(.notFound, "no category \"\(categoryID)\"")
            }
            let rows = try KnowledgeEntryRow.filter(Column("category") == categoryID.rawValue).fetchAll(db)
            if !rows.isEmpty {
                guard let moveTo else {
                    throw KnowledgeStoreError(
                        .conflict,
                        "category \"\(categoryID)\" still has \(rows.count) entries; say where they move (move_to)")
                }
                guard moveTo != categoryID, let target = try CategoryRow.fetchOne(db, key: moveTo.rawValue),
                    target.retiredAt == nil
                else {
                    throw KnowledgeStoreError(.invalid, "move_to \"\(moveTo)\" is not an active category")
                }
                for row in rows {
                    var entry = row.entry
                    entry.category = moveTo
                    _ = try write(db, entry, change: .updated, author: author, now: now)
                }
            }
            category.retiredAt = now
            try category.update(db)
        }
    }

    public func saveSynonyms(_ group: SynonymGroup) async throws {
        let terms = group.terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !group.id.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw KnowledgeStoreError(.invalid, "missing \"id\"")
        }
        guard Set(terms).count >= 2 else {
            throw KnowledgeStoreError(.invalid, "a synonym group needs at least two different terms")
        }
        try await database.write { db in try SynonymGroupRow(id: group.id, terms: terms).save(db) }
    }

    public func deleteSynonyms(id: String) async throws {
        let deleted = try await database.write { db in try SynonymGroupRow.deleteOne(db, key: id) }
        guard deleted else { throw KnowledgeStoreError(.notFound, "no synonym group \"\(id)\"") }
    }

    /// Inserts or updates one entry and records the revision (`.updated` of a new entry is recorded
    /// as `.created`); an unchanged entry gets none.
    /// - Returns: the entry's revision.
    private func write(
        _ db: Database, _ entry: KnowledgeEntry, change: KnowledgeRevision.Change, author: String, now: Date
    ) throws -> Int {
        if let existing = try KnowledgeEntryRow.fetchOne(db, key: entry.id.rawValue) {
            guard existing.entry != entry else { return existing.revision }
            let row = KnowledgeEntryRow(
                entry, revision: existing.revision + 1, updatedAt: now, updatedBy: author, position: existing.position)
            try row.update(db)
            try record(db, entry.id, row.revision, change, entry, author, now)
            return row.revision
        }
        let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM knowledge_entry") ?? 0) + 1
        let revision = try nextRevision(db, entry.id)
        try KnowledgeEntryRow(entry, revision: revision, updatedAt: now, updatedBy: author, position: position).insert(db)
        try record(db, entry.id, revision, change == .updated ? .created : change, entry, author, now)
        return revision
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
