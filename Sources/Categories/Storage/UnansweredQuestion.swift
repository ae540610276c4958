import Foundation
import GRDB

/// A question the bot could not answer with confidence, kept for admins to review.
public struct UnansweredQuestion: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "unanswered_question"

    public var id: Int64?
    /// The associate who asked.
    public var userID: String
    public var text: String
    /// The closest entries when it was asked, best first, comma-separated.
    public var candidateIDs: String
    /// The best score, so that admins can sort near-misses first.
    public var bestScore: Double
    /// The inbox key of the message, which ties it to the conversation.
    public var messageKey: String
    public var createdAt: Date

    public init(userID: String, text: String, candidates: [QuestionMatcher.Match], messageKey: String, createdAt: Date) {
        self.userID = userID
        self.text = text
        self.candidateIDs = candidates.map(\.entryID.rawValue).joined(separator: ",")
        self.bestScore = candidates.first?.score ?? 0
        self.messageKey = messageKey
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, text
        case userID = "user_id"
        case candidateIDs = "candidate_ids"
        case bestScore = "best_score"
        case messageKey = "message_key"
        case createdAt = "created_at"
    }
}
