import Categories

/// What handling one message makes happen, applied in one transaction with marking it handled.
public enum ConversationEffect: Sendable, Equatable {
    /// Say this to the associate.
    case reply(Reply)
    /// Keep the question and what the bot decided (the record behind figures and reviews).
    case logQuestion(LoggedQuestion)
    /// A person must take this question (kept for the review queue; `openTicket` opens the ticket).
    case handOver(HandOver)
    /// Open a ticket: the associate is told its number, and agents are offered it.
    case openTicket(TicketRequest)
    /// Something the associate did about one of their tickets.
    case ticket(TicketNumber, AssociateTicketAction)
    /// List the tickets of the associate's store (本店工单).
    case storeTickets
    /// "有用" (true) or "没用" (false) on the answer to the message with this key.
    case feedback(onMessage: String, helpful: Bool)
}

/// A question as logged: the first message's decision, or a follow-up to the bot's choices.
public struct LoggedQuestion: Sendable, Equatable {
    /// What a follow-up to the bot's choices is logged as (a question is counted once, under its decision).
    public enum FollowUp: String, Sendable, Codable, CaseIterable {
        /// An entry picked from a list or card.
        case picked
        /// A category chosen after a clarify.
        case categoryChosen = "category_chosen"
        /// "都不是" to the suggestions.
        case declined
        /// "没用" to an answer.
        case unhelpful
    }

    public var text: String
    public var assessment: Assessment
    public var followUp: FollowUp?
    /// The entry whose answer was sent, if any.
    public var answered: KnowledgeEntryID?

    public init(text: String, assessment: Assessment, followUp: FollowUp? = nil, answered: KnowledgeEntryID? = nil) {
        self.text = text
        self.assessment = assessment
        self.followUp = followUp
        self.answered = answered
    }

    /// The log's name for it: the follow-up's, or the decision's.
    public var kind: String { followUp?.rawValue ?? assessment.decision.rawValue }
}

/// A question a person takes over, with why and where it goes.
public struct HandOver: Sendable, Equatable {
    public var question: String
    public var assessment: Assessment

    public init(question: String, assessment: Assessment) {
        self.question = question
        self.assessment = assessment
    }
}

/// What an associate does about a ticket.
public enum AssociateTicketAction: Sendable, Equatable {
    /// A message for the ticket's agent (text, or what a non-text message was).
    case add(String)
    /// A picture, voice message or video for the ticket's agent: `line` for the transcript, and the media to relay.
    case addAttachment(String, Attachment)
    /// 新问题: the bot answers again; the ticket stays open.
    case returnToBot
    /// 不用了: the ticket is withdrawn.
    case withdraw
    /// `#1001 进度`: where it stands.
    case progress
    /// A rating of the resolved ticket.
    case rate(TicketRating)
}
