import Foundation
import GRDB
import WeComAdapter

/// The SQLite-backed outbox.
struct DatabaseMessageStore: MessageStore {
    let database: AppDatabase

    func dueOutbox(now: Date, limit: Int) async throws -> [OutboxRecord] {
        try await database.writer.read { db in
            try OutboxRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE id IN (
                        SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY user_id
                    ) AND next_attempt_at <= ? ORDER BY id LIMIT ?
                    """,
                arguments: [now, limit])
        }
    }

    func nextOutboxDue() async throws -> Date? {
        try await database.writer.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")
        }
    }

    func markSent(_ outboxID: Int64, weComMessageID: String?, now: Date) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = 'sent', sent_at = ?, wecom_msgid = ?, attempts = attempts + 1 WHERE id = ?",
                arguments: [now, weComMessageID, outboxID])
        }
    }

    func scheduleRetry(_ outboxID: Int64, at date: Date, errcode: Int?, error: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_errcode = ?, last_error = ?
                    WHERE id = ?
                    """,
                arguments: [date, errcode, error, outboxID])
        }
    }

    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql:
                    "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_errcode = ?, last_error = ? WHERE id = ?",
                arguments: [errcode, error, outboxID])
        }
    }
}
