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
}

/// An import or edit that was refused; nothing changed. `line` names the offending input line.
public struct KnowledgeStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var message: String

    public init(line: Int? = nil, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
