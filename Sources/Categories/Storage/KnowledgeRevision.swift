import Foundation
import GRDB

/// One change to a knowledge entry: who, when, what, and the entry as it was afterwards.
public struct KnowledgeRevision: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "knowledge_revision"

    /// What kind of change made this revision.
    public enum Change: String, Sendable, Codable {
        case created, updated, deleted, imported
        case rolledBack = "rolled_back"
    }

    public var id: Int64?
    public var entryID: KnowledgeEntryID
    /// 1 for the first version of the entry, then one more per change.
    public var revision: Int
    public var change: Change
    /// The entry after the change; nil when it was deleted.
    public var entry: KnowledgeEntry?
    public var author: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, revision, change, author
        case entryID = "entry_id"
        case entry = "snapshot"
        case createdAt = "created_at"
    }
}
