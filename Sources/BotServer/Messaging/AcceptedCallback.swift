import Foundation
import GRDB

/// A callback accepted from WeCom, to store in the inbox unless its dedupe key is stored already.
struct AcceptedCallback: Sendable {
    let dedupeKey: String
    let userID: String
    let xml: String
    let receivedAt: Date

    /// Inserts each callback unless its key is stored; true for those inserted (a redelivery within
    /// the same batch is not).
    static func insert(_ callbacks: [AcceptedCallback], in db: Database) throws -> [Bool] {
        // A cached statement and bare arguments: this runs for every callback under load.
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO inbox (dedupe_key, user_id, xml, status, attempts, received_at)
                VALUES (?, ?, ?, ?, 0, ?)
                """)
        return try callbacks.map { callback in
            try statement.execute(
                arguments: [
                    callback.dedupeKey, callback.userID, callback.xml, InboxRecord.Status.pending, callback.receivedAt,
                ])
            return db.changesCount > 0
        }
    }
}
