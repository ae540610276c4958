import Foundation
import GRDB
import WeComAdapter

/// A message or card update waiting to be sent, kept until WeCom has taken it.
struct OutboxRecord: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox"

    enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        /// Waiting for its turn or for `nextAttemptAt`.
        case pending
        /// Handed to WeCom and not yet confirmed. Left so by a crash, it may or may not have arrived, so
        /// the next start resends it with WeCom's duplicate check.
        case sending
        case sent
        /// WeCom refused it for good (configuration, payload or recipient); `lastErrcode` says why.
        case failed
        /// Its text went into a digest (`digestID`) while its member's budget was spent: it is never
        /// sent by itself (`OutboxDigest`).
        case merged
    }

    var id: Int64?
    /// The message this answers, if any.
    var inboxID: Int64?
    /// The lane (`OutboxItem.lane`): a message's recipients, or `card:` and a card update's response code.
    var userID: String
    /// The `OutboxItem`, as JSON.
    var payload: String
    var status: Status
    var attempts: Int
    var nextAttemptAt: Date
    var lastErrcode: Int?
    var lastError: String?
    var weComMessageID: String?
    var createdAt: Date
    var sentAt: Date?
    /// When the last attempt was handed to WeCom.
    var startedAt: Date?
    /// An earlier attempt may have reached WeCom (a crash mid-send, a timeout), so the next one asks
    /// WeCom to drop it if it already arrived.
    var duplicateCheck: Bool
    /// A template card's `task_id`, so that its response code can be found (`responseCode(ofCard:in:)`).
    var taskID: String?
    /// The single-use code WeCom answered a sent card with, which allows one update of it.
    var responseCode: String?
    /// The digest this row's text went into: the id of the digest's first row. Set on the rows that
    /// carry the digest (whose `payload` is then the digest) and on those `merged` into it.
    var digestID: Int64?
    /// What a row was queued with, before a digest replaced its payload or a split its recipients.
    var originalPayload: String?
    /// A card update's: when its response code expires (`CardUpdateCodes`). Nil for a message, and for
    /// an update queued before codes were kept (it then expires a day after it was queued).
    var expiresAt: Date?
    /// A share of a message to several members, queued for one of them who had to wait
    /// (`OutboxSplit`): the row it was split from.
    var splitFrom: Int64?

    init(inboxID: Int64?, item: OutboxItem, now: Date) throws {
        self.inboxID = inboxID
        self.userID = item.lane
        self.payload = try Self.payload(of: item)
        self.status = .pending
        self.attempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
        self.duplicateCheck = false
        self.taskID = item.cardTaskID
    }

    init(inboxID: Int64?, message: OutgoingMessage, now: Date) throws {
        try self.init(inboxID: inboxID, item: .message(message), now: now)
    }

    /// `item` as the `payload` column holds it.
    static func payload(of item: OutboxItem) throws -> String {
        String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
    }

    /// What to send.
    func item() throws -> OutboxItem {
        try JSONDecoder().decode(OutboxItem.self, from: Data(payload.utf8))
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, payload, status, attempts
        case inboxID = "inbox_id"
        case userID = "user_id"
        case nextAttemptAt = "next_attempt_at"
        case lastErrcode = "last_errcode"
        case lastError = "last_error"
        case weComMessageID = "wecom_msgid"
        case createdAt = "created_at"
        case sentAt = "sent_at"
        case startedAt = "started_at"
        case duplicateCheck = "duplicate_check"
        case taskID = "task_id"
        case responseCode = "response_code"
        case digestID = "digest_id"
        case originalPayload = "original_payload"
        case expiresAt = "expires_at"
        case splitFrom = "split_from"
    }
}
