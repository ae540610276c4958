import Foundation
import GRDB

/// The questions the bot handed over, for admins to review: add one to an entry as a phrasing (the
/// bot answers it from then on) or dismiss it.
public protocol UnansweredQuestionStore: Sendable {
    /// Keeps a handed-over question, inside the caller's transaction; a second one for the same
    /// message is ignored.
    func record(_ question: UnansweredQuestion, in db: Database) throws
    /// Links the associate's latest hand-over not yet linked to the ticket `number` it became.
    func link(ticket number: Int, toLatestOf userID: String, in db: Database) throws
    /// Newest first; `before` pages (an id from the previous page).
    func questions(_ filter: UnansweredQuestionFilter) async throws -> [UnansweredQuestion]
    func question(id: Int64) async throws -> UnansweredQuestion?
    /// Records the review of an open question, atomically: `KnowledgeStoreError` `.notFound` for an
    /// unknown id, `.conflict` when it was reviewed already (two admins at once).
    func review(
        id: Int64, as review: UnansweredQuestion.Review, entry: KnowledgeEntryID?, note: String?, by author: String,
        at date: Date
    ) async throws -> UnansweredQuestion
    /// Makes a reviewed question open again (when what the review was to do failed).
    func reopen(id: Int64) async throws
    /// How many questions are in each review state.
    func reviewCounts() async throws -> [UnansweredQuestion.Review: Int]
}

/// Which unanswered questions to list.
public struct UnansweredQuestionFilter: Sendable, Equatable {
    public var review: UnansweredQuestion.Review?
    public var category: String?
    /// A reason code the question must carry (low_confidence, complaint …).
    public var reason: String?
    public var before: Int64?
    public var limit: Int

    public init(
        review: UnansweredQuestion.Review? = .open, category: String? = nil, reason: String? = nil, before: Int64? = nil,
        limit: Int = 50
    ) {
        self.review = review
        self.category = category
        self.reason = reason
        self.before = before
        self.limit = limit
    }
}

/// `UnansweredQuestionStore` on the application's SQLite database.
public struct DatabaseUnansweredQuestionStore: UnansweredQuestionStore {
    let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    public func link(ticket number: Int, toLatestOf userID: String, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE unanswered_question SET ticket_number = ? WHERE id = (
                    SELECT id FROM unanswered_question WHERE user_id = ? AND ticket_number IS NULL ORDER BY id DESC LIMIT 1)
                """, arguments: [number, userID])
    }

    public func record(_ question: UnansweredQuestion, in db: Database) throws {
        var question = question
        try question.insert(db, onConflict: .ignore)
    }

    public func questions(_ filter: UnansweredQuestionFilter) async throws -> [UnansweredQuestion] {
        try await database.read { db in
            var request = UnansweredQuestion.all()
            if let review = filter.review { request = request.filter(Column("review") == review.rawValue) }
            if let category = filter.category { request = request.filter(Column("category") == category) }
            if let reason = filter.reason {
                // Reasons are stored comma-separated: match a whole code.
                request = request.filter(sql: "EXISTS (SELECT 1 FROM json_each(reasons) WHERE value = ?)", arguments: [reason])
            }
            if let before = filter.before { request = request.filter(Column("id") < before) }
            return try request.order(Column("id").desc).limit(max(1, min(filter.limit, 500))).fetchAll(db)
        }
    }

    public func question(id: Int64) async throws -> UnansweredQuestion? {
        try await database.read { db in try UnansweredQuestion.fetchOne(db, key: id) }
    }

    public func review(
        id: Int64, as review: UnansweredQuestion.Review, entry: KnowledgeEntryID?, note: String?, by author: String,
        at date: Date
    ) async throws -> UnansweredQuestion {
        try await database.write { db in
            guard var question = try UnansweredQuestion.fetchOne(db, key: id) else {
                throw KnowledgeStoreError(.notFound, "no unanswered question \(id)")
            }
            guard question.review == .open else {
                throw KnowledgeStoreError(
                    .conflict,
                    "question \(id) was already reviewed (\(question.review.rawValue) by \(question.reviewedBy ?? "someone"))")
            }
            question.review = review
            question.reviewedBy = author
            question.reviewedAt = date
            question.reviewEntryID = entry?.rawValue
            question.reviewNote = note
            try question.update(db)
            return question
        }
    }

    public func reopen(id: Int64) async throws {
        try await database.write { db in
            _ = try UnansweredQuestion.filter(key: id).updateAll(
                db, Column("review").set(to: UnansweredQuestion.Review.open.rawValue), Column("reviewed_by").set(to: nil),
                Column("reviewed_at").set(to: nil), Column("review_entry_id").set(to: nil),
                Column("review_note").set(to: nil))
        }
    }

    public func reviewCounts() async throws -> [UnansweredQuestion.Review: Int] {
        try await database.read { db in
            var counts: [UnansweredQuestion.Review: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT review, count(*) AS n FROM unanswered_question GROUP BY review") {
                if let review = UnansweredQuestion.Review(rawValue: row["review"]) { counts[review] = row["n"] }
            }
            return counts
        }
    }
}
