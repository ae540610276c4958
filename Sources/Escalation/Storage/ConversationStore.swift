import Foundation
import GRDB

/// Where each associate's conversation state is kept. Its methods run inside the caller's transaction,
/// so that a message's new state is written together with its replies and the inbox row's completion.
public protocol ConversationStore: Sendable {
    /// The associate's state; a new, idle one for an associate not seen before.
    func state(of userID: String, in db: Database) throws -> ConversationState
    func save(_ state: ConversationState, of userID: String, at now: Date, in db: Database) throws
    /// Associates whose conversation needs the bot by `now` without a message from them (an intake
    /// they left unanswered), oldest first.
    func due(at now: Date, limit: Int, in db: Database) throws -> [String]
}

/// `ConversationStore` on the application's SQLite database.
public struct DatabaseConversationStore: ConversationStore {
    public init() {}

    public func state(of userID: String, in db: Database) throws -> ConversationState {
        try ConversationRecord.fetchOne(db, key: userID)?.state ?? ConversationState()
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
