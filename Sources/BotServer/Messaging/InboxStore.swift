import Foundation
import GRDB

/// The durable inbox: what has been accepted from WeCom and is still to be handled.
protocol InboxStore: Sendable {
    /// Stores an accepted callback unless its dedupe key is already stored.
    /// - Returns: false for a redelivery.
    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool
    /// Associates with messages still to be handled, oldest first.
    func usersWithPendingMessages() async throws -> [String]
    /// The associate's oldest message still to be handled.
    func nextPendingMessage(of userID: String) async throws -> InboxRecord?
    /// Marks a message handled, inside the transaction that applies what handling it produced.
    func markHandled(_ inboxID: Int64, at now: Date, in db: Database) throws
    /// Records a failed attempt to handle a message; `giveUp` marks it failed for a person to look at.
    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws
}

/// `InboxStore` on the application's SQLite database.
struct DatabaseInboxStore: InboxStore {
    let database: any DatabaseWriter

    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool {
        try await database.write { db in
            var record = InboxRecord(
                dedupeKey: dedupeKey, userID: userID, xml: xml, status: .pending, attempts: 0, receivedAt: receivedAt)
            try record.insert(db, onConflict: .ignore)
            return db.changesCount > 0
        }
    }

    func usersWithPendingMessages() async throws -> [String] {
        try await database.read { db in
            try InboxRecord.select(Column("user_id"), as: String.self)
                .filter(Column("status") == InboxRecord.Status.pending)
                .group(Column("user_id")).order(min(Column("id"))).fetchAll(db)
        }
    }

    func nextPendingMessage(of userID: String) async throws -> InboxRecord? {
        try await database.read { db in
            try InboxRecord.filter(Column("status") == InboxRecord.Status.pending && Column("user_id") == userID)
                .order(Column("id")).fetchOne(db)
        }
    }

    func markHandled(_ inboxID: Int64, at now: Date, in db: Database) throws {
        try InboxRecord.filter(key: inboxID).updateAll(
            db, Column("status").set(to: InboxRecord.Status.processed), Column("processed_at").set(to: now),
            Column("attempts") += 1)
    }

    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws {
        try await database.write { db in
            _ = try InboxRecord.filter(key: inboxID).updateAll(
                db, Column("attempts") += 1, Column("last_error").set(to: error),
                Column("status").set(to: giveUp ? InboxRecord.Status.failed : .pending))
        }
    }
}
