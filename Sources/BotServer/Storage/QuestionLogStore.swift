import Foundation
import GRDB

/// Reads of the question log for admins.
protocol QuestionLogStore: Sendable {
    /// Answers the associates rated ("有用" true, "没用" false; nil: either), newest first; `before`
    /// pages (a log id from the previous page).
    func ratedAnswers(helpful: Bool?, before: Int64?, limit: Int) async throws -> [QuestionLogRecord]
    /// How many answers were rated helpful and unhelpful.
    func ratingCounts() async throws -> (helpful: Int, unhelpful: Int)
}

/// `QuestionLogStore` on the application's SQLite database.
struct DatabaseQuestionLogStore: QuestionLogStore {
    let database: any DatabaseWriter

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
