import CSQLite
import Foundation

/// Reads StoreDesk's inbox and outbox from its SQLite file (read-only, as `InboxCounter` does) to
/// check a fault phase: every acknowledged message stored once and handled, every reply queued for it
/// delivered exactly once (matched with what the fake WeCom API delivered).
struct OutboxAudit: Sendable {
    let path: String

    /// One inbox row.
    struct InboxRow: Sendable {
        var id: Int64
        var msgID: UInt64?
        var status: String
    }

    /// One outbox row.
    struct OutboxRow: Sendable {
        var id: Int64
        var inboxID: Int64?
        var status: String
        var duplicateCheck: Bool
        var attempts: Int
        /// `FakeWeComAPI.deliveryKey` of what it sends; nil for a card update.
        var key: String?
    }

    /// Outbox rows still to be sent (pending or sending); nil when the file cannot be read.
    func unsent() -> Int? {
        withDatabase { db in
            Self.query(db, "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") { statement in
                Int(sqlite3_column_int64(statement, 0))
            }?.first
        }
    }

    func inboxRows() -> [InboxRow]? {
        withDatabase { db in
            Self.query(db, "SELECT id, dedupe_key, status FROM inbox") { statement in
                let key = Self.text(statement, 1) ?? ""
                // msg:<agent>:<MsgId> for messages; events have no MsgId.
                let msgID = key.hasPrefix("msg:") ? key.split(separator: ":").last.flatMap { UInt64($0) } : nil
                return InboxRow(id: sqlite3_column_int64(statement, 0), msgID: msgID, status: Self.text(statement, 2) ?? "")
            }
        }
    }

    func outboxRows() -> [OutboxRow]? {
        withDatabase { db in
            Self.query(db, "SELECT id, inbox_id, status, duplicate_check, attempts, payload FROM outbox") { statement in
                OutboxRow(
                    id: sqlite3_column_int64(statement, 0),
                    inboxID: sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 1),
                    status: Self.text(statement, 2) ?? "", duplicateCheck: sqlite3_column_int64(statement, 3) != 0,
                    attempts: Int(sqlite3_column_int64(statement, 4)), key: Self.key(ofPayload: Self.text(statement, 5) ?? ""))
            }
        }
    }

    /// The delivery key of an outbox payload: an `OutgoingMessage` as StoreDesk stores it
    /// (`{"toUsers": [...], "body": {"text": {"_0": ...}}}`, a card as `{"templateCard": {"_0": {... "task_id"}}}`);
    /// nil for a card update (`{"cardUpdate": ...}`) or what cannot be read.
    static func key(ofPayload payload: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let users = object["toUsers"] as? [String], let body = object["body"] as? [String: Any],
            let entry = body.first
        else { return nil }
        let kind = entry.key
        let inner = entry.value as? [String: Any] ?? [:]
        switch kind {
        case "text", "markdown":
            guard let text = inner["_0"] as? String else { return nil }
            return FakeWeComAPI.deliveryKey(toUser: users.joined(separator: "|"), type: kind, content: text)
        case "templateCard":
            guard let card = inner["_0"] as? [String: Any], let task = card["task_id"] as? String else { return nil }
            return FakeWeComAPI.deliveryKey(toUser: users.joined(separator: "|"), type: "template_card", content: task)
        case "image":
            guard let media = inner["mediaID"] as? String else { return nil }
            return FakeWeComAPI.deliveryKey(toUser: users.joined(separator: "|"), type: "image", content: media)
        default:
            return nil
        }
    }

    // MARK: - SQLite

    private func withDatabase<T>(_ body: (OpaquePointer) -> T?) -> T? {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            sqlite3_close(db)
            return nil
        }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 2000)
        return body(db)
    }

    private static func query<T>(_ db: OpaquePointer, _ sql: String, row: (OpaquePointer) -> T) -> [T]? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        defer { sqlite3_finalize(statement) }
        var rows: [T] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_ROW {
                rows.append(row(statement))
            } else if step == SQLITE_DONE {
                return rows
            } else {
                return nil
            }
        }
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }
}
