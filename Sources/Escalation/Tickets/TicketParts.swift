import Categories
import Foundation

/// An entry the bot considered for the question, kept on the ticket so the agent sees what it tried.
public struct TicketCandidate: Sendable, Equatable, Codable {
    public var id: KnowledgeEntryID
    public var question: String
    public var score: Double

    public init(id: KnowledgeEntryID, question: String, score: Double) {
        self.id = id
        self.question = question
        self.score = score
    }
}

/// One intake question and what the associate answered (nil: skipped or not known).
public struct IntakeAnswer: Sendable, Equatable, Codable {
    /// What the answer is (`order_number`, `system` …).
    public var key: String
    /// The question as asked.
    public var question: String
    public var answer: String?
    /// Whether the value was found in the associate's message, so the question was not asked.
    public var recognized: Bool

    public init(key: String, question: String, answer: String? = nil, recognized: Bool = false) {
        self.key = key
        self.question = question
        self.answer = answer
        self.recognized = recognized
    }
}
