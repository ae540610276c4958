import Foundation

/// Where categories and knowledge entries live, with their revision history.
public protocol KnowledgeStore: Sendable {
    /// Everything stored: every category (retired ones too) and every entry (drafts too), in export order.
    func knowledgeBase() async throws -> KnowledgeBase
    /// Whether nothing has been stored yet.
    func isEmpty() async throws -> Bool
    /// Adds, updates or (with `.replace`) removes categories, all or nothing.
    /// - Returns: how many categories the import holds.
    func importCategories(_ categories: [(line: Int, record: Category)], mode: ImportMode, author: String) async throws -> Int
    /// Adds, updates or (with `.replace`) removes entries, all or nothing; each change is a revision.
    /// - Returns: how many entries the import holds.
    func importEntries(_ entries: [(line: Int, record: KnowledgeEntry)], mode: ImportMode, author: String) async throws -> Int
    /// The revisions of one entry, oldest first.
    func revisions(of entryID: KnowledgeEntryID) async throws -> [KnowledgeRevision]
    /// Creates or updates one entry.
    /// - Returns: the entry's revision after the save (unchanged if nothing differed).
    func saveEntry(_ entry: KnowledgeEntry, author: String) async throws -> Int
    /// Deletes an entry, keeping its history. Throws `notFound` for an unknown id.
    func deleteEntry(_ entryID: KnowledgeEntryID, author: String) async throws
    /// Restores the entry as it was at `revision` (also after a deletion), as a new revision.
    func rollBack(_ entryID: KnowledgeEntryID, to revision: Int, author: String) async throws -> KnowledgeEntry
    /// Creates or updates (renames, re-describes) one category.
    func saveCategory(_ category: Category) async throws
    /// Retires a category. Entries still in it are moved to `moveTo` (each move a revision);
    /// without `moveTo` a category that still has entries is not retired.
    func retireCategory(_ categoryID: CategoryID, moveTo: CategoryID?, author: String) async throws
    /// Creates or replaces a synonym group (at least two terms).
    func saveSynonyms(_ group: SynonymGroup) async throws
    /// Removes a synonym group. Throws `notFound` for an unknown id.
    func deleteSynonyms(id: String) async throws
}

/// An import or edit that was refused; nothing changed. `line` names the offending input line.
public struct KnowledgeStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, so that an API can choose its status.
    public enum Kind: Sendable, Equatable {
        case invalid
        case notFound
        case conflict
    }

    public var kind: Kind
    public var line: Int?
    public var message: String

    public init(_ kind: Kind = .invalid, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
