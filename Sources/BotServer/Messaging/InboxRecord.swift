import Foundation
import GRDB

/// A callback accepted from WeCom, stored before WeCom is answered.
struct InboxRecord: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "inbox"

    enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        /// Accepted, not yet handled.
        case pending
        /// Handled: its replies are in the outbox.
        case processed
        /// Could not be handled after repeated attempts; kept with its error for a person to look at.
        case failed
    }

    var id: Int64?
    /// WeCom's redelivery key (`CallbackMessage.dedupeKey`).
    var dedupeKey: String
    /// The associate (WeCom UserID) whose messages are handled in order.
    var userID: String
    /// The decrypted inner XML, exactly as WeCom sent it.
    var xml: String
    var status: Status
    var attempts: Int
    var lastError: String?
    var receivedAt: Date
    var processedAt: Date?

    init(
        id: Int64? = nil, dedupeKey: String, userID: String, xml: String, status: Status, attempts: Int,
        lastError: String? = nil, receivedAt: Date, processedAt: Date? = nil
    ) {
        self.id = id
        self.dedupeKey = dedupeKey
        self.userID = userID
        self.xml = xml
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.receivedAt = receivedAt
        self.processedAt = processedAt
    }

    /// Read by column, not through `Decodable`: every message handled reads its row.
    init(row: Row) throws {
        id = row["id"]
        dedupeKey = row["dedupe_key"]
        userID = row["user_id"]
        xml = row["xml"]
        status = row["status"]
        attempts = row["attempts"]
        lastError = row["last_error"]
        receivedAt = row["received_at"]
        processedAt = row["processed_at"]
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, xml, status, attempts
        case dedupeKey = "dedupe_key"
        case userID = "user_id"
        case lastError = "last_error"
        case receivedAt = "received_at"
        case processedAt = "processed_at"
    }
}
