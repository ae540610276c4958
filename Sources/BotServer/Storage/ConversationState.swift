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
    /// The question behind the open list or category choice, for what the associate picks next.
    var pendingQuestion: String?
    /// The categories last offered to choose from (a clarify), in the order numbered.
    var categoryChoices: [CategoryID] = []
    var categoryChoicesAt: Date?
    /// The `task_id` of the last card of choices sent: only its buttons act on `pendingQuestion`.
    var cardTaskID: String?

    init(userID: String) {
        self.userID = userID
    }

    /// How long a numbered list or an answer stays something the next message can refer to.
    static let memory: TimeInterval = 30 * 60

    func openSuggestions(at now: Date) -> [KnowledgeEntryID] {
        guard let suggestedAt, now.timeIntervalSince(suggestedAt) <= Self.memory else { return [] }
        return suggestions
    }

    func openCategoryChoices(at now: Date) -> [CategoryID] {
        guard let categoryChoicesAt, now.timeIntervalSince(categoryChoicesAt) <= Self.memory else { return [] }
        return categoryChoices
    }

    /// Offers `entries` as the numbered list the next message may pick from (and closes any category choice).
    mutating func offer(_ entries: [KnowledgeEntryID], for question: String?, card: String?, at now: Date) {
        suggestions = entries
        suggestedAt = now
        pendingQuestion = question
        cardTaskID = card
        categoryChoices = []
        categoryChoicesAt = nil
    }

    /// Offers `categories` to choose from for `question` (and closes any list).
    mutating func offer(categories: [CategoryID], for question: String, card: String, at now: Date) {
        categoryChoices = categories
        categoryChoicesAt = now
        pendingQuestion = question
        cardTaskID = card
        suggestions = []
        suggestedAt = nil
    }

    /// Nothing open to pick from any more.
    mutating func closeChoices() {
        suggestions = []
        suggestedAt = nil
        categoryChoices = []
        categoryChoicesAt = nil
        pendingQuestion = nil
        cardTaskID = nil
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
        case pendingQuestion = "pending_question"
        case categoryChoices = "category_choices"
        case categoryChoicesAt = "category_choices_at"
        case cardTaskID = "card_task_id"
    }
}
