import Categories
import Escalation
import Foundation
import GRDB

/// One question an associate asked and what the bot decided: the record behind the figures
/// (resolution rate, hot questions, feedback) and the admins' review.
struct QuestionLogRecord: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "question_log"

    var id: Int64?
    var userID: String
    var messageKey: String
    var text: String
    /// A first message's decision (answer, suggest, clarify, smalltalk, escalate), or a follow-up to the
    /// bot's choices (picked, category_chosen, declined).
    var decision: String
    var category: String?
    /// The entry whose answer was sent, if any.
    var entryID: String?
    /// The closest entries, best first (a JSON array in the table).
    var candidateIDs: [KnowledgeEntryID]
    var confidence: Double
    /// The hand-over policy's reason codes (a JSON array in the table).
    var reasons: [ReasonCode]
    /// The associate's "有用" (true) or "没用" (false) on the answer.
    var helpful: Bool?
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id, text, decision, category, confidence, reasons, helpful
        case userID = "user_id"
        case messageKey = "message_key"
        case entryID = "entry_id"
        case candidateIDs = "candidate_ids"
        case createdAt = "created_at"
    }
}

extension QuestionLogRecord {
    /// The row for a question the conversation logged.
    init(userID: String, messageKey: String, logged: LoggedQuestion, at now: Date) {
        let assessment = logged.assessment
        self.init(
            userID: userID, messageKey: messageKey, text: logged.text, decision: logged.kind,
            category: assessment.category?.rawValue, entryID: logged.answered?.rawValue,
            candidateIDs: assessment.candidates.map(\.entry.id), confidence: assessment.confidence,
            reasons: assessment.reasons,
            createdAt: now)
    }
}
