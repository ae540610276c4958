import Categories
import Foundation

/// What a person will take over, while the bot asks the intake questions: the ticket to open.
public struct PendingTicket: Sendable, Equatable, Codable {
    public var request: TicketRequest
    /// Index in `request.intake` of the question being asked.
    public var asking: Int
    public var startedAt: Date

    public init(request: TicketRequest, asking: Int, startedAt: Date) {
        self.request = request
        self.asking = asking
        self.startedAt = startedAt
    }

    /// How long an intake question waits for its answer. A person must take a hand-over even when the
    /// associate walks away from the questions: after this the ticket opens with what is known.
    public static let patience: TimeInterval = 10 * 60

    /// When the ticket opens without the answer.
    public var dueAt: Date { startedAt.addingTimeInterval(Self.patience) }

    public func isOverdue(at now: Date) -> Bool { now >= dueAt }
}

/// What the conversation hands over to open a ticket: the question, why, what the bot tried, and the
/// intake answers. The requester's place and the routing are added where the ticket is opened.
public struct TicketRequest: Sendable, Equatable, Codable {
    public var question: String
    public var reasons: [ReasonCode]
    public var category: CategoryID?
    public var candidates: [TicketCandidate]
    public var confidence: Double
    public var priority: TicketPriority
    public var intake: [IntakeAnswer]
    /// The conversation before the ticket existed (the question, the intake questions and answers).
    public var transcript: [TranscriptLine]

    public init(
        question: String, reasons: [ReasonCode], category: CategoryID?, candidates: [TicketCandidate] = [],
        confidence: Double = 0, priority: TicketPriority, intake: [IntakeAnswer] = [], transcript: [TranscriptLine] = []
    ) {
        self.question = question
        self.reasons = reasons
        self.category = category
        self.candidates = candidates
        self.confidence = confidence
        self.priority = priority
        self.intake = intake
        self.transcript = transcript
    }

    /// The request for a hand-over the policy decided: urgent for complaints, emergencies and safety,
    /// normal otherwise (requests for a person and regional matters included).
    public init(question: String, assessment: Assessment) {
        let urgent = assessment.reasons.contains(.urgent) || assessment.reasons.contains(.complaint)
        // A bare 转人工 says nothing of the matter: no category to route by, and nothing the bot tried.
        let bare = Self.isBareRequest(question)
        self.init(
            question: question, reasons: assessment.reasons, category: bare ? nil : assessment.category,
            candidates: bare
                ? []
                : assessment.candidates.prefix(3).map {
                    TicketCandidate(id: $0.entry.id, question: $0.entry.question, score: $0.score)
                },
            confidence: bare ? 0 : assessment.confidence, priority: urgent ? .urgent : .normal)
    }

    /// Whether `question` only asks for a person (转人工, 我要找人工客服) and says nothing of the matter.
    public static func isBareRequest(_ question: String) -> Bool {
        var rest = TextNormalizer.normalize(question)
        for phrase in Self.requestWords { rest = rest.replacingOccurrences(of: phrase, with: "") }
        return rest.count < 3
    }

    static let requestWords = [
        "转人工", "人工客服", "人工服务", "人工", "真人", "客服", "总部", "同事", "我要", "我想", "帮我", "麻烦", "请", "找", "要", "转",
        "接", "联系", "一下", "吧", "呢", "啊", "谢谢",
    ]
}

/// A line of the conversation kept on the ticket.
public struct TranscriptLine: Sendable, Equatable, Codable {
    public var direction: TicketMessage.Direction
    public var text: String
    public var at: Date

    public init(direction: TicketMessage.Direction, text: String, at: Date) {
        self.direction = direction
        self.text = text
        self.at = at
    }
}
