import Categories
import Foundation

/// What the bot remembers of one associate's conversation between messages.
public struct ConversationState: Sendable, Equatable, Codable {
    /// Who handles the conversation and what the next message is read as.
    public enum Mode: Sendable, Equatable, Codable {
        /// Nothing open: the next message is a new question.
        case idle
        /// A numbered list or a category choice is open.
        case choosing(OpenChoice)
        /// An answer was just given: "有用/没用" is feedback on it.
        case awaitingFeedback(AnsweredQuestion)
        /// A person will take the question; the bot asks the intake questions first.
        case intake(PendingTicket)
        /// A ticket was resolved: 满意 / 不满意 / 没解决 rate it.
        case rating(TicketNumber, resolvedAt: Date)
    }

    public var mode: Mode
    /// When the welcome was last sent (WeCom reports every opening of the app).
    public var welcomedAt: Date?
    /// The ticket whose agent owns the conversation: while set, the bot stays silent and every message
    /// goes onto the ticket. Cleared when the ticket is resolved or withdrawn, or by 新问题.
    public var ticket: TicketNumber?
    /// The last question the bot answered or offered suggestions for, to notice it asked again.
    public var lastQuestion: AskedQuestion?

    public init(mode: Mode = .idle, welcomedAt: Date? = nil, ticket: TicketNumber? = nil, lastQuestion: AskedQuestion? = nil) {
        self.mode = mode
        self.welcomedAt = welcomedAt
        self.ticket = ticket
        self.lastQuestion = lastQuestion
    }

    /// How long a resolved ticket can still be rated by a typed 满意 / 不满意 / 没解决.
    public static let ratingMemory: TimeInterval = 72 * 3600

    /// How long a list or an answer stays something the next message can refer to.
    public static let memory: TimeInterval = 30 * 60

    /// The mode as the next message sees it: a list or an answer older than `memory` is forgotten.
    public func mode(at now: Date) -> Mode {
        switch mode {
        case .idle: .idle
        case .choosing(let choice): now.timeIntervalSince(choice.offeredAt) <= Self.memory ? mode : .idle
        case .awaitingFeedback(let answer): now.timeIntervalSince(answer.answeredAt) <= Self.memory ? mode : .idle
        case .intake(let pending): pending.isOverdue(at: now) ? .idle : mode
        case .rating(_, let resolvedAt): now.timeIntervalSince(resolvedAt) <= Self.ratingMemory ? mode : .idle
        }
    }

    /// When the conversation needs the bot without a message from the associate: an intake question
    /// left unanswered, after which the hand-over goes ahead with what is known (`ConversationInput.tick`).
    public var dueAt: Date? {
        if case .intake(let pending) = mode { pending.dueAt } else { nil }
    }

    /// The choice open at `now`, if any.
    public func openChoice(at now: Date) -> OpenChoice? {
        if case .choosing(let choice) = mode(at: now) { choice } else { nil }
    }
}

/// A list the bot offered, which the next message may pick from.
public struct OpenChoice: Sendable, Equatable, Codable {
    public enum Options: Sendable, Equatable, Codable {
        /// Entries, numbered from 1 (suggestions, or the welcome's hot questions).
        case entries([KnowledgeEntryID])
        /// Categories, numbered from 1 (a clarify).
        case categories([CategoryID])
    }

    public var options: Options
    /// The question behind the list (none for the welcome's hot questions).
    public var question: String?
    /// The id of the list as sent (a WeCom card's task_id): only its choice buttons act on `question`.
    public var id: String?
    public var offeredAt: Date

    public init(options: Options, question: String?, id: String?, offeredAt: Date) {
        self.options = options
        self.question = question
        self.id = id
        self.offeredAt = offeredAt
    }

    public var entries: [KnowledgeEntryID] {
        if case .entries(let entries) = options { entries } else { [] }
    }

    public var categories: [CategoryID] {
        if case .categories(let categories) = options { categories } else { [] }
    }
}

/// An answer the bot gave, which "有用/没用" may rate.
public struct AnsweredQuestion: Sendable, Equatable, Codable {
    /// The key of the message that was answered (its question-log row).
    public var messageKey: String
    public var answeredAt: Date
    /// What was asked and the entry that answered it: "没用" hands the question over.
    public var question: String?
    public var entry: KnowledgeEntryID?

    public init(messageKey: String, answeredAt: Date, question: String? = nil, entry: KnowledgeEntryID? = nil) {
        self.messageKey = messageKey
        self.answeredAt = answeredAt
        self.question = question
        self.entry = entry
    }
}

/// A question the bot answered or offered suggestions for: asked again soon, the bot offers a person.
public struct AskedQuestion: Sendable, Equatable, Codable {
    /// The question normalised, to compare.
    public var normalized: String
    public var askedAt: Date
    /// The question as written (handed over when the associate takes the offer of a person).
    public var text: String

    public init(normalized: String, askedAt: Date, text: String) {
        self.normalized = normalized
        self.askedAt = askedAt
        self.text = text
    }

    /// Within this time the same question again gets the offer of a person.
    public static let repeatWindow: TimeInterval = 10 * 60
}
