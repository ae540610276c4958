import Foundation
import GRDB

/// A question the bot could not answer with confidence, kept for admins to review.
public struct UnansweredQuestion: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "unanswered_question"

    public var id: Int64?
    /// The associate who asked.
    public var userID: String
    public var text: String
    /// The closest entries when it was asked, best first (a JSON array in the table).
    public var candidateIDs: [KnowledgeEntryID]
    /// The calibrated confidence in the best entry, so that admins can sort near-misses first.
    public var bestScore: Double
    /// The inbox key of the message, which ties it to the conversation.
    public var messageKey: String
    public var createdAt: Date
    /// Why it was handed over: the hand-over policy's reason codes (a JSON array in the table).
    public var reasons: [String]
    /// The category it was classified in, for routing.
    public var category: String?
    /// Whether an admin has looked at it, and what they did.
    public var review: Review = .open
    public var reviewedBy: String?
    public var reviewedAt: Date?
    /// The entry the question was added to as a phrasing (`review == .addedToEntry`).
    public var reviewEntryID: String?
    public var reviewNote: String?
    /// The number of the ticket the hand-over became, once opened (the review queue links to it).
    public var ticketNumber: Int?

    /// What an admin did with the question.
    public enum Review: String, Sendable, Codable, CaseIterable {
        /// Not looked at yet.
        case open
        /// Added as a similar phrasing of an entry, so the bot answers it from now on.
        case addedToEntry = "added_to_entry"
        /// Looked at; nothing for the knowledge base (a one-off, a person handled it …).
        case dismissed
    }

    /// - Parameter reasons: the hand-over policy's reason codes.
    public init(
        userID: String, text: String, candidates: [KnowledgeEntryID], confidence: Double, category: CategoryID?,
        reasons: [String], messageKey: String, createdAt: Date
    ) {
        self.userID = userID
        self.text = text
        self.candidateIDs = candidates
        self.bestScore = confidence
        self.messageKey = messageKey
        self.createdAt = createdAt
        self.reasons = reasons
        self.category = category?.rawValue
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, text, reasons, category, review
        case reviewedBy = "reviewed_by"
        case reviewedAt = "reviewed_at"
        case reviewEntryID = "review_entry_id"
        case reviewNote = "review_note"
        case ticketNumber = "ticket_number"
        case userID = "user_id"
        case candidateIDs = "candidate_ids"
        case bestScore = "best_score"
        case messageKey = "message_key"
        case createdAt = "created_at"
    }
}
