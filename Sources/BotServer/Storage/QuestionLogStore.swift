import Categories
import Foundation
import GRDB

/// The question log: every question and what the bot decided. Writes run inside the caller's
/// transaction (the message's); reads serve the admins and the welcome.
protocol QuestionLogStore: Sendable {
    func append(_ record: QuestionLogRecord, in db: Database) throws
    /// Records "有用" (true) or "没用" (false) on the answer to the message with `messageKey`.
    func rate(messageKey: String, helpful: Bool, in db: Database) throws
    /// The entries answered most often since `since`, most first.
    func mostAnsweredEntries(since: Date, limit: Int) async throws -> [KnowledgeEntryID]
    /// Answers the associates rated ("有用" true, "没用" false; nil: either), newest first; `before`
    /// pages (a log id from the previous page).
    func ratedAnswers(helpful: Bool?, before: Int64?, limit: Int) async throws -> [QuestionLogRecord]
    /// How many answers were rated helpful and unhelpful.
    func ratingCounts() async throws -> (helpful: Int, unhelpful: Int)
}

/// `QuestionLogStore` on the application's SQLite database.
struct DatabaseQuestionLogStore: QuestionLogStore {
    let database: any DatabaseWriter

    func append(_ record: QuestionLogRecord, in db: Database) throws {
        var record = record
        try record.insert(db)
    }

    func rate(messageKey: String, helpful: Bool, in db: Database) throws {
        try QuestionLogRecord.filter(Column("message_key") == messageKey).updateAll(db, Column("helpful").set(to: helpful))
    }

    func mostAnsweredEntries(since: Date, limit: Int) async throws -> [KnowledgeEntryID] {
        try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT entry_id FROM question_log WHERE entry_id IS NOT NULL AND created_at >= ?
                    GROUP BY entry_id ORDER BY COUNT(*) DESC, MIN(id) LIMIT ?
                    """, arguments: [since, limit]
            ).map(KnowledgeEntryID.init(rawValue:))
        }
    }

    func ratedAnswers(helpful: Bool?, before: Int64?, limit: Int) async throws -> [QuestionLogRecord] {
        try await database.read { db in
            var request = QuestionLogRecord.filter(Column("helpful") != nil)
            if let helpful { request = request.filter(Column("helpful") == helpful) }
            if let before { request = request.filter(Column("id") < before) }
            return try request.order(Column("id").desc).limit(max(1, min(limit, 500))).fetchAll(db)
        }
    }

    func ratingCounts() async throws -> (helpful: Int, unhelpful: Int) {
        try await database.read { db in
            let helpful = try QuestionLogRecord.filter(Column("helpful") == true).fetchCount(db)
            let unhelpful = try QuestionLogRecord.filter(Column("helpful") == false).fetchCount(db)
            return (helpful, unhelpful)
        }
    }
}
