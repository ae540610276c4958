import Foundation
import GRDB

/// The durable inbox: what has been accepted from WeCom and is still to be handled.
protocol InboxStore: Sendable {
    /// Stores an accepted callback unless its dedupe key is already stored.
    /// - Returns: false for a redelivery.
    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool
    /// Associates with messages still to be handled, oldest first.
    func usersWithPendingMessages() async throws -> [String]
    /// The associate's oldest message still to be handled, read inside the caller's transaction (with
    /// their conversation: `MessageTransaction.nextMessage`).
    func nextPendingMessage(of userID: String, in db: Database) throws -> InboxRecord?
    /// Marks a message handled, inside the transaction that applies what handling it produced.
    func markHandled(_ inboxID: Int64, at now: Date, in db: Database) throws
    /// Records a failed attempt to handle a message; `giveUp` marks it failed for a person to look at.
    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws
}

/// `InboxStore` on the application's SQLite database. Accepts are group-committed (`GroupCommit`);
/// the statements run for every message are cached.
struct DatabaseInboxStore: InboxStore {
    let database: any DatabaseWriter
    private let accepts: GroupCommit<AcceptedCallback, Bool>

    init(database: any DatabaseWriter) {
        self.database = database
        accepts = GroupCommit(writer: database) { callbacks, db in try AcceptedCallback.insert(callbacks, in: db) }
    }

    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool {
        try await accepts.submit(.init(dedupeKey: dedupeKey, userID: userID, xml: xml, receivedAt: receivedAt))
    }

    func usersWithPendingMessages() async throws -> [String] {
        try await database.read { db in
            try InboxRecord.select(Column("user_id"), as: String.self)
                .filter(Column("status") == InboxRecord.Status.pending)
                .group(Column("user_id")).order(min(Column("id"))).fetchAll(db)
        }
    }

    func nextPendingMessage(of userID: String, in db: Database) throws -> InboxRecord? {
        try InboxRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM inbox WHERE status = ? AND user_id = ? ORDER BY id LIMIT 1"),
            arguments: [InboxRecord.Status.pending, userID])
    }

    func markHandled(_ inboxID: Int64, at now: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: "UPDATE inbox SET status = ?, processed_at = ?, attempts = attempts + 1 WHERE id = ?"
        ).execute(arguments: [InboxRecord.Status.processed, now, inboxID])
    }

    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws {
        try await database.write { db in
            _ = try InboxRecord.filter(key: inboxID).updateAll(
                db, Column("attempts") += 1, Column("last_error").set(to: error),
                Column("status").set(to: giveUp ? InboxRecord.Status.failed : .pending))
        }
    }
}
