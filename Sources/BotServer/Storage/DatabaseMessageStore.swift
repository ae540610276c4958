import Categories
import Foundation
import GRDB
import WeComAdapter

/// The SQLite-backed inbox and outbox.
struct DatabaseMessageStore: MessageStore {
    let database: AppDatabase

    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool {
        try await database.writer.write { db in
            var record = InboxRecord(
                dedupeKey: dedupeKey, userID: userID, xml: xml, status: .pending, attempts: 0, receivedAt: receivedAt)
            try record.insert(db, onConflict: .ignore)
            return db.changesCount > 0
        }
    }

    func usersWithPendingMessages() async throws -> [String] {
        try await database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT user_id FROM inbox WHERE status = 'pending' GROUP BY user_id ORDER BY MIN(id)")
        }
    }

    func nextPendingMessage(of userID: String) async throws -> InboxRecord? {
        try await database.writer.read { db in
            try InboxRecord.filter(Column("status") == InboxRecord.Status.pending.rawValue && Column("user_id") == userID)
                .order(Column("id")).fetchOne(db)
        }
    }

    func complete(
        _ inboxID: Int64, replies: [OutgoingMessage], conversation: ConversationEngine.Outcome?, now: Date
    ) async throws {
        try await database.writer.write { db in
            for reply in replies {
                var record = try OutboxRecord(inboxID: inboxID, message: reply, now: now)
                try record.insert(db)
            }
            if let conversation {
                var state = conversation.state
                if var log = conversation.log {
                    log.userID = state.userID
                    try log.insert(db)
                    if conversation.remembersAnswer, let id = log.id {
                        state.lastAnswerLogID = id
                        state.answeredAt = now
                    }
                }
                if let feedback = conversation.feedback {
                    try db.execute(
                        sql: "UPDATE question_log SET helpful = ? WHERE id = ?", arguments: [feedback.helpful, feedback.logID])
                }
                if var unanswered = conversation.unanswered {
                    unanswered.userID = state.userID
                    try unanswered.insert(db, onConflict: .ignore)
                }
                try state.save(db)
            }
            try db.execute(
                sql: "UPDATE inbox SET status = 'processed', processed_at = ?, attempts = attempts + 1 WHERE id = ?",
                arguments: [now, inboxID])
        }
    }

    func conversationState(of userID: String) async throws -> ConversationState {
        try await database.writer.read { db in
            try ConversationState.fetchOne(db, key: userID) ?? ConversationState(userID: userID)
        }
    }

    func mostAnsweredEntries(since: Date, limit: Int) async throws -> [String] {
        try await database.writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT entry_id FROM question_log WHERE entry_id IS NOT NULL AND created_at >= ?
                    GROUP BY entry_id ORDER BY COUNT(*) DESC, MIN(id) LIMIT ?
                    """, arguments: [since, limit])
        }
    }

    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE inbox SET attempts = attempts + 1, last_error = ?, status = ? WHERE id = ?",
                arguments: [error, giveUp ? "failed" : "pending", inboxID])
        }
    }
}
