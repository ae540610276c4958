import Escalation
import Foundation
import GRDB
import HTTPTypes

/// The `Idempotency-Key` of a ticket action through the API (`POST /api/v1/tickets/{number}/…`), so
/// that a client that retries a POST it got no answer to (a timeout, a dropped connection) does not
/// reply to the associate twice.
///
/// The key is kept, with what the request asked, in the transaction that carries the action out
/// (`MessageTransaction.performForAPI`): a retry with the same key and the same request is answered
/// with the ticket as it is, `Idempotent-Replayed: true`, and does nothing again; the same key with
/// another request is refused (422). Keys are remembered for a day, for the one admin token. An action
/// that was refused (404, 409) keeps no key: its retry is tried again.
///
/// ```sh
/// curl -X POST -H "Idempotency-Key: $(uuidgen)" -H "Authorization: Bearer $TOKEN" \
///   -d '{"agent": "hq_amy", "text": "已处理"}' localhost:8080/api/v1/tickets/1001/reply
/// ```
struct IdempotencyKey: Sendable, Equatable {
    static let tableName = "api_idempotency_key"
    static let header = HTTPField.Name("Idempotency-Key")!
    /// Set on the answer to a retry that did nothing again.
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    /// How long a key is remembered.
    static let retention: TimeInterval = 86400
    /// The longest key taken: a UUID fits many times over.
    static let maxLength = 255

    /// The key as the client sent it.
    var key: String
    /// What the request asked (the action, the ticket, the agent, the text), as JSON: a retry asks the same.
    var request: String
    var ticket: TicketNumber

    /// A key used before for another request.
    struct Reused: Error, Equatable {
        var key: String
    }

    /// What makes a key unacceptable.
    enum Invalid: Error, Equatable {
        case empty
        case tooLong
        case notVisibleASCII
    }

    /// The key `key`, sent with `action` on `ticket` by `agent` with `text`.
    /// - Throws: `Invalid` for an empty key, one longer than 255 characters, or one with characters
    ///   other than visible ASCII.
    init(key: String, action: String, ticket: TicketNumber, agent: String, text: String) throws(Invalid) {
        let key = key.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw .empty }
        guard key.utf8.count <= Self.maxLength else { throw .tooLong }
        guard key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .notVisibleASCII }
        self.key = key
        self.ticket = ticket
        let asked = Asked(action: action, ticket: ticket.rawValue, agent: agent, text: text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding four plain fields cannot fail.
        request = String(decoding: (try? encoder.encode(asked)) ?? Data(), as: UTF8.self)
    }

    /// Whether a request kept this key within the last day, inside the caller's transaction.
    /// - Throws: `Reused` when it was another request.
    func wasUsed(now: Date, in db: Database) throws -> Bool {
        guard
            let stored = try String.fetchOne(
                db, sql: "SELECT request FROM \(Self.tableName) WHERE key = ? AND created_at > ?",
                arguments: [key, now.addingTimeInterval(-Self.retention)])
        else { return false }
        guard stored == request else { throw Reused(key: key) }
        return true
    }

    /// Keeps the key of a request carried out now, inside its transaction; forgets keys older than a day.
    func keep(now: Date, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM \(Self.tableName) WHERE created_at <= ?", arguments: [now.addingTimeInterval(-Self.retention)])
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(Self.tableName) (key, request, ticket, created_at) VALUES (?, ?, ?, ?)",
            arguments: [key, request, ticket.rawValue, now])
    }

    private struct Asked: Encodable {
        var action: String
        var ticket: Int
        var agent: String
        var text: String
    }
}
