import Foundation
import GRDB
import WeComAdapter

/// The outbox in SQLite (the `outbox` table, `server.v1`, `server.v5` and `server.v8` migrations).
struct DatabaseOutboxStore: OutboxStore {
    let writer: any DatabaseWriter

    func enqueue(_ items: [OutboxItem], inReplyTo inboxID: Int64?, at now: Date, in db: Database) throws {
        for item in items {
            var record = try OutboxRecord(inboxID: inboxID, item: item, now: now)
            try record.insert(db)
        }
    }

    func responseCode(ofCard taskID: String, in db: Database) throws -> String? {
        // A card sent again under the same task id (WeCom wants it unique, but nothing enforces that
        // here) answers with the latest send's code: that is the card its recipients see last.
        try String.fetchOne(
            db,
            sql: "SELECT response_code FROM outbox WHERE task_id = ? AND status = ? ORDER BY id DESC LIMIT 1",
            arguments: [taskID, Status.sent])
    }

    private typealias Status = OutboxRecord.Status
    private static let status = Column(OutboxRecord.CodingKeys.status)
    private static let attempts = Column(OutboxRecord.CodingKeys.attempts)

    func recoverInterrupted() async throws -> Int {
        try await writer.write { db in
            try OutboxRecord.filter(Self.status == Status.sending)
                .updateAll(db, Self.status.set(to: Status.pending), Column(OutboxRecord.CodingKeys.duplicateCheck).set(to: true))
        }
    }

    func claimDue(now: Date, limit: Int) async throws -> [OutboxRecord] {
        try await writer.write { db in
            // Heads are the oldest pending row of each associate; an associate with a row `sending`
            // is in flight, and their pending head waits behind it. Both lookups read the
            // `outbox_lane_head` index (status, user_id, id, next_attempt_at) only.
            var records = try OutboxRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE status = ? GROUP BY user_id)
                    AND next_attempt_at <= ?
                    AND user_id NOT IN (SELECT user_id FROM outbox WHERE status = ?)
                    ORDER BY id LIMIT ?
                    """,
                arguments: [Status.pending, now, Status.sending, limit])
            guard !records.isEmpty else { return [] }
            try OutboxRecord.filter(keys: records.compactMap(\.id))
                .updateAll(db, Self.status.set(to: Status.sending), Column(OutboxRecord.CodingKeys.startedAt).set(to: now))
            for index in records.indices {
                records[index].status = .sending
                records[index].startedAt = now
            }
            return records
        }
    }

    func nextDue() async throws -> Date? {
        try await writer.read { db in
            // SQLite takes a bare column from the row that MIN() chose: the head's own due time.
            try Date.fetchOne(
                db,
                sql: """
                    SELECT MIN(next_attempt_at) FROM (
                        SELECT MIN(id), user_id, next_attempt_at FROM outbox WHERE status = ? GROUP BY user_id
                    ) WHERE user_id NOT IN (SELECT user_id FROM outbox WHERE status = ?)
                    """,
                arguments: [Status.pending, Status.sending])
        }
    }

    func markSent(_ outboxID: Int64, weComMessageID: String?, responseCode: String?, now: Date) async throws {
        try await writer.write { db in
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.sent), Column(OutboxRecord.CodingKeys.sentAt).set(to: now),
                Column(OutboxRecord.CodingKeys.weComMessageID).set(to: weComMessageID),
                Column(OutboxRecord.CodingKeys.responseCode).set(to: responseCode), Self.attempts += 1)
        }
    }

    func scheduleRetry(_ outboxID: Int64, at date: Date, errcode: Int?, error: String, mayHaveArrived: Bool) async throws {
        try await writer.write { db in
            let duplicateCheck = Column(OutboxRecord.CodingKeys.duplicateCheck)
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.pending), Self.attempts += 1,
                Column(OutboxRecord.CodingKeys.nextAttemptAt).set(to: date),
                Column(OutboxRecord.CodingKeys.lastErrcode).set(to: errcode),
                Column(OutboxRecord.CodingKeys.lastError).set(to: error),
                // Once a row may have arrived it stays so: a later clean failure does not undo that.
                duplicateCheck.set(to: duplicateCheck || mayHaveArrived))
        }
    }

    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws {
        try await writer.write { db in
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.failed), Self.attempts += 1,
                Column(OutboxRecord.CodingKeys.lastErrcode).set(to: errcode),
                Column(OutboxRecord.CodingKeys.lastError).set(to: error))
        }
    }
}
