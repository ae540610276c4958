import GRDB

/// Where unanswered questions are kept for review.
public protocol UnansweredQuestionStore: Sendable {
    /// The most recent questions, newest first.
    func recent(limit: Int) async throws -> [UnansweredQuestion]
}

/// The SQLite-backed store.
public struct DatabaseUnansweredQuestionStore: UnansweredQuestionStore {
    let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    public func recent(limit: Int) async throws -> [UnansweredQuestion] {
        try await database.read { db in
            try UnansweredQuestion.order(Column("created_at").desc, Column("id").desc).limit(limit).fetchAll(db)
        }
    }
}
