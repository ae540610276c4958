import Categories
import Foundation
import GRDB

/// What the bot remembers about one associate's conversation between messages.
struct ConversationState: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversation_state"

    var userID: String
    /// The entries last offered as a numbered list (suggestions or hot questions), best first.
    var suggestions: [KnowledgeEntryID] = []
    var suggestedAt: Date?
    /// The question-log row of the last answer, which "有用/没用" feedback refers to.
    var lastAnswerLogID: Int64?
    var answeredAt: Date?
    /// When the welcome was last sent (WeCom reports every opening of the app).
    var welcomedAt: Date?

    init(userID: String) {
        self.userID = userID
    }

    /// How long a numbered list or an answer stays something the next message can refer to.
    static let memory: TimeInterval = 30 * 60

    func openSuggestions(at now: Date) -> [KnowledgeEntryID] {
        guard let suggestedAt, now.timeIntervalSince(suggestedAt) <= Self.memory else { return [] }
        return suggestions
    }

    func openAnswer(at now: Date) -> Int64? {
        guard let answeredAt, now.timeIntervalSince(answeredAt) <= Self.memory else { return nil }
        return lastAnswerLogID
    }

    enum CodingKeys: String, CodingKey {
        case suggestions
        case userID = "user_id"
        case suggestedAt = "suggested_at"
        case lastAnswerLogID = "last_answer_log_id"
        case answeredAt = "answered_at"
        case welcomedAt = "welcomed_at"
    }
}
