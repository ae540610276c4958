import Categories
import Foundation

/// The conversation with one associate as a pure function:
/// `(input, state, one knowledge snapshot, now) → (state, effects)`.
///
/// It reads nothing and writes nothing: the caller loads the state, takes one snapshot of the knowledge
/// for the whole message (so an admin's edit in between cannot mix two versions in one reply), and
/// applies the effects and the new state in one transaction with marking the message handled.
public struct ConversationReducer: Sendable {
    /// What the caller knows about this message beyond its content.
    public struct Context: Sendable, Equatable {
        /// The message's durable key (its question-log row, and what feedback refers to).
        public var messageKey: String
        /// The associate's region (directory), which picks an entry's regional answer.
        public var region: String?
        /// The most asked entries, offered in the welcome.
        public var hotQuestions: [KnowledgeEntryID]
        /// The id a list offered in reply gets (a card's task_id): given by the caller so the reducer stays pure.
        public var newChoiceID: String

        public init(messageKey: String, region: String? = nil, hotQuestions: [KnowledgeEntryID] = [], newChoiceID: String) {
            self.messageKey = messageKey
            self.region = region
            self.hotQuestions = hotQuestions
            self.newChoiceID = newChoiceID
        }
    }

    /// The new state and what to do.
    public struct Step: Sendable, Equatable {
        public var state: ConversationState
        public var effects: [ConversationEffect]

        public init(state: ConversationState, effects: [ConversationEffect]) {
            self.state = state
            self.effects = effects
        }

        public var replies: [Reply] {
            effects.compactMap { if case .reply(let reply) = $0 { reply } else { nil } }
        }
        public var loggedQuestion: LoggedQuestion? {
            effects.lazy.compactMap { if case .logQuestion(let logged) = $0 { logged } else { nil } }.first
        }
    }

    public var policy: HandOverPolicy
    public var replies: BotReplies
    /// The welcome is sent on opening the app at most this often.
    public var welcomeInterval: TimeInterval
    /// What the bot asks before a hand-over, per category.
    public var intake: IntakePlan

    public init(
        policy: HandOverPolicy = HandOverPolicy(), replies: BotReplies = BotReplies(), welcomeInterval: TimeInterval = 12 * 3600,
        intake: IntakePlan = .standard
    ) {
        self.policy = policy
        self.replies = replies
        self.welcomeInterval = welcomeInterval
        self.intake = intake
    }

    public func reduce(
        _ input: ConversationInput, state: ConversationState, knowledge: QuestionEngine, context: Context, now: Date
    ) -> Step {
        var turn = Turn(reducer: self, state: state, knowledge: knowledge, context: context, now: now)
        // An intake the associate left unanswered: the hand-over goes ahead with what is known, and
        // whatever they write now joins the ticket (a person owns the conversation from here).
        if case .intake(let pending) = state.mode, pending.isOverdue(at: now) {
            turn.openOverdue(pending, with: input)
            return Step(state: turn.state, effects: turn.effects)
        }
        switch input {
        case .tick:
            break
        case .text(let raw):
            turn.respond(toText: raw.trimmingCharacters(in: .whitespacesAndNewlines))
        case .nonText(let kind, let detail, let attachment):
            if let ticket = state.ticket {
                // A photo or a voice message for the agent goes onto the ticket, with what can be opened of
                // it; the photo, voice message or video itself goes to the agent too.
                let line = Self.line(kind, detail)
                turn.effects.append(.ticket(ticket, attachment.map { .addAttachment(line, $0) } ?? .add(line)))
            } else {
                turn.say(.text(replies.nonText))
            }
        case .opened:
            // While a person owns the conversation the bot does not greet in it.
            if state.ticket == nil { turn.welcome() }
        case .chose(.rate(let ticket, let rating), let choiceID):
            turn.respond(to: .rate(ticket, rating), choiceID: choiceID)
        case .chose where state.ticket != nil:
            // A tap on one of the bot's older lists while a person owns the conversation: the bot does not
            // answer over the person; it says where the question is.
            turn.say(.text(replies.alreadyWithPerson))
        case .chose(let action, let choiceID):
            turn.respond(to: action, choiceID: choiceID)
        }
        return Step(state: turn.state, effects: turn.effects)
    }

    /// The first reply to `assessment` of `text` (an associate of `region`), as the live path gives it.
    func firstReply(to assessment: Assessment, text: String, region: String?, choiceID: String, knowledge: QuestionEngine)
        -> Reply
    {
        switch assessment.decision {
        case .answer:
            return answerReply(assessment.candidates.first?.entry.answer(forRegion: region) ?? "", to: text)
        case .suggest:
            return .choices(suggestions(assessment.candidates.prefix(3).map(\.entry), intro: replies.suggestIntro, id: choiceID))
        case .clarify:
            return .choices(categoryChoice(Self.choosableCategories(knowledge), id: choiceID))
        case .smalltalk:
            return .text(smalltalkReply(to: text, reasons: assessment.reasons))
        case .escalate:
            return .text(handOverReply(assessment.reasons))
        }
    }

    /// An entry's answer to `question`, followed by the feedback prompt that quotes the question.
    func answerReply(_ answer: String, to question: String) -> Reply {
        let quoted = question.count > Self.maxQuotedCharacters ? question.prefix(Self.maxQuotedCharacters) + "…" : question
        return .text(answer + "\n\n" + replies.feedbackPrompt.replacingOccurrences(of: "{question}", with: quoted))
    }

    /// A message that is not text as a ticket's transcript and its agent read it: "[图片] https://…".
    static func line(_ kind: String, _ detail: String?) -> String {
        detail.map { "[\(kind)] \($0)" } ?? "[\(kind)]"
    }

    /// How much of a question the feedback prompt quotes.
    static let maxQuotedCharacters = 30

    /// What the associate is told of a hand-over, before its ticket has a number (the dry run of `ask`).
    public func handOverReply(_ reasons: [ReasonCode]) -> String {
        if reasons.contains(.urgent) { return replies.urgent }
        if reasons.contains(.requestedHuman) { return replies.requestedHuman }
        if reasons.contains(.complaint) { return replies.complaint }
        if reasons.contains(.regional) { return replies.regional }
        return replies.handedOver
    }

    private func smalltalkReply(to text: String, reasons: [ReasonCode]) -> String {
        if reasons.contains(.outOfScope) { return replies.outOfScope }
        let normal = TextNormalizer.normalize(text)
        if ["谢", "感谢", "thank", "thx", "辛苦"].contains(where: normal.contains) { return replies.thanks }
        if ["你好", "您好", "在吗", "在不", "有人", "hello", "hi", "早", "好"].contains(where: { normal.hasPrefix($0) })
            && !["好的", "好滴", "好哒", "好嘞", "好吧", "好了"].contains(where: normal.hasPrefix)
        {
            return replies.greeting
        }
        return replies.acknowledgement
    }

    func suggestions(_ entries: [KnowledgeEntry], intro: String, id: String) -> ChoiceList {
        ChoiceList(
            id: id, intro: intro, items: entries.map { .init(label: $0.question, action: .pick($0.id)) },
            outro: replies.suggestOutro, noneOfThese: replies.noneOfTheseButton)
    }

    func categoryChoice(_ categories: [Category], id: String) -> ChoiceList {
        ChoiceList(
            id: id, intro: replies.clarifyCategory, items: categories.map { .init(label: $0.name, action: .category($0.id)) },
            outro: replies.clarifyOutro)
    }

    /// The active categories an associate can choose from.
    static func choosableCategories(_ knowledge: QuestionEngine) -> [Category] {
        knowledge.knowledgeBase.categories.filter(\.isActive)
    }
}
