import Foundation
import GRDB

/// Where each associate's conversation state is kept. Its methods run inside the caller's transaction,
/// so that a message's new state is written together with its replies and the inbox row's completion.
public protocol ConversationStore: Sendable {
    /// The associate's state; a new, idle one for an associate not seen before.
    func state(of userID: String, in db: Database) throws -> ConversationState
    /// The associate's state with the stored text it was read from.
    func stored(of userID: String, in db: Database) throws -> StoredConversation
    /// The stored text of the associate's state (nil before their first): compared by a write that must
    /// not race another, which is as strict as comparing the states and cheaper.
    func revision(of userID: String, in db: Database) throws -> String?
    func save(_ state: ConversationState, of userID: String, at now: Date, in db: Database) throws
    /// Associates whose conversation needs the bot by `now` without a message from them (an intake
    /// they left unanswered), oldest first.
    func due(at now: Date, limit: Int, in db: Database) throws -> [String]
}

/// `ConversationStore` on the application's SQLite database.
public struct DatabaseConversationStore: ConversationStore {
    public init() {}

    public func state(of userID: String, in db: Database) throws -> ConversationState {
        try stored(of: userID, in: db).state
    }

    public func stored(of userID: String, in db: Database) throws -> StoredConversation {
        // Cached statements: every message handled reads its conversation.
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM conversation WHERE user_id = ?"), arguments: [userID])
        else { return StoredConversation(state: ConversationState(), revision: nil) }
        return StoredConversation(state: try ConversationRecord(row: row).state, revision: row["state"])
    }

    public func revision(of userID: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT state FROM conversation WHERE user_id = ?"), arguments: [userID])
    }

    public func save(_ state: ConversationState, of userID: String, at now: Date, in db: Database) throws {
        try ConversationRecord(userID: userID, state: state, updatedAt: now, dueAt: state.dueAt).save(db)
    }

    public func due(at now: Date, limit: Int, in db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT user_id FROM conversation WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?",
            arguments: [now, limit])
    }
}

/// A conversation's state as read, with the stored text it was read from (`ConversationStore.revision`).
public struct StoredConversation: Sendable, Equatable {
    public var state: ConversationState
    /// The stored JSON text; nil for an associate not seen before.
    public var revision: String?

    public init(state: ConversationState, revision: String?) {
        self.state = state
        self.revision = revision
    }
}
