import Categories
import Foundation
import WeComAdapter

/// Decides what StoreDesk says to one callback, given what it remembers of the conversation.
///
/// Pure: it reads the knowledge and returns the replies and the changes to remember; the caller
/// stores them and the outbox sends them, in one transaction with marking the message handled.
struct ConversationEngine: Sendable {
    /// What handling one callback produces.
    struct Outcome: Sendable {
        /// What to send, in order: texts (split later if long) and cards.
        var replies: [OutgoingMessage.Body] = []
        /// The conversation state to keep.
        var state: ConversationState
        /// The question as logged, when the message was a question.
        var log: QuestionLogRecord?
        /// Whether `log` is an answer that "有用/没用" may refer to next.
        var remembersAnswer = false
        /// A question a person must take, with its reasons.
        var unanswered: UnansweredQuestion?
        /// Feedback on an earlier answer: its log row and whether it helped.
        var feedback: (logID: Int64, helpful: Bool)?
    }

    let knowledge: LiveKnowledge
    let settings: BotSettings

    /// - Parameters:
    ///   - hotQuestions: the most asked entries, offered in the welcome.
    ///   - region: the associate's region (directory), which picks an entry's regional answer.
    func respond(
        to message: CallbackMessage, messageKey: String, state: ConversationState, hotQuestions: [KnowledgeEntryID],
        region: String? = nil, now: Date
    ) -> Outcome {
        var outcome = Outcome(state: state)
        switch message.content {
        case .text(let raw):
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            respond(toText: text, messageKey: messageKey, region: region, now: now, into: &outcome)
        case .image, .voice, .location, .link, .unsupported(_, nil):
            // A message from a person that is not text (an unknown type too): ask for words.
            outcome.replies = [.text(settings.replies.nonText)]
        case .enterAgent:
            welcome(hotQuestions: hotQuestions, now: now, into: &outcome)
        case .templateCardEvent(let event):
            // A button on one of the bot's cards; other cards' buttons are not the bot's business.
            if let action = CardAction(key: event.eventKey) {
                respond(to: action, card: event.taskID, messageKey: messageKey, region: region, now: now, into: &outcome)
            }
        case .click, .unsupported:
            break  // menu clicks and unknown events are not questions
        }
        return outcome
    }

    /// The reply an associate (of `region`, when known) gets for a first message the engine understood
    /// this way (also the dry run's `reply`).
    func reply(to understanding: Understanding, text: String, region: String? = nil) -> String {
        let replies = settings.replies
        switch understanding.decision {
        case .answer:
            return (understanding.candidates.first?.entry.answer(forRegion: region) ?? "") + "\n\n" + replies.feedbackPrompt
        case .suggest:
            return suggestionText(intro: replies.suggestIntro, understanding.candidates.prefix(3).map(\.entry))
        case .clarify:
            return categoryChoiceText(choosableCategories)
        case .smalltalk:
            if understanding.reasons.contains("out_of_scope") { return replies.outOfScope }
            let normal = TextNormalizer.normalize(text)
            if ["谢", "感谢", "thank", "thx", "辛苦"].contains(where: normal.contains) { return replies.thanks }
            if ["你好", "您好", "在吗", "在不", "有人", "hello", "hi", "早", "好"].contains(where: { normal.hasPrefix($0) })
                && !["好的", "好滴", "好哒", "好嘞", "好吧", "好了"].contains(where: normal.hasPrefix)
            {
                return replies.greeting
            }
            return replies.acknowledgement
        case .escalate:
            let reasons = understanding.reasons
            if reasons.contains(QuestionSignal.urgent.rawValue) { return replies.urgent }
            if reasons.contains(QuestionSignal.requestedHuman.rawValue) { return replies.requestedHuman }
            if reasons.contains(QuestionSignal.complaint.rawValue) { return replies.complaint }
            if reasons.contains(QuestionSignal.regional.rawValue) { return replies.regional }
            return replies.handedOver
        }
    }

    // MARK: - Text

    private func respond(toText text: String, messageKey: String, region: String?, now: Date, into outcome: inout Outcome) {
        let engine = knowledge.engine
        // A number picks from the list just offered.
        let offered = outcome.state.openSuggestions(at: now)
        if let pick = SuggestionPick.parse(text, count: offered.count) {
            answer(offered[pick - 1], text: text, messageKey: messageKey, region: region, now: now, into: &outcome)
            return
        }
        // A number (or a category's name) answers the category choice just offered.
        let choices = outcome.state.openCategoryChoices(at: now)
        if let question = outcome.state.pendingQuestion, !choices.isEmpty,
            let chosen = SuggestionPick.parse(text, count: choices.count).map({ choices[$0 - 1] })
                ?? categoryNamed(text, among: choices)
        {
            suggest(question, in: chosen, messageKey: messageKey, now: now, into: &outcome)
            return
        }
        // "都不是" to the suggestions just offered for a question hands it over.
        if let question = outcome.state.pendingQuestion, !offered.isEmpty, NoneOfThese.matches(text) {
            decline(question, messageKey: messageKey, now: now, into: &outcome)
            return
        }
        // 有用 / 没用 right after an answer is feedback on it.
        if let logID = outcome.state.openAnswer(at: now), let helpful = Feedback.parse(text) {
            outcome.feedback = (logID, helpful)
            outcome.state.lastAnswerLogID = nil
            outcome.state.answeredAt = nil
            outcome.replies = [.text(helpful ? settings.replies.feedbackThanks : settings.replies.feedbackSorry)]
            return
        }

        let understanding = engine.understand(text)
        outcome.replies = [.text(reply(to: understanding, text: text, region: region))]
        outcome.log = log(text, messageKey, now, understanding)
        switch understanding.decision {
        case .answer:
            outcome.remembersAnswer = true
            outcome.state.closeChoices()
        case .suggest:
            let entries = Array(understanding.candidates.prefix(3).map(\.entry))
            let card = CardAction.newTaskID()
            outcome.replies = [suggestionBody(intro: settings.replies.suggestIntro, entries, taskID: card)]
            outcome.state.offer(entries.map(\.id), for: text, card: card, at: now)
        case .clarify:
            let categories = choosableCategories
            let card = CardAction.newTaskID()
            outcome.replies = [categoryChoiceBody(categories, taskID: card)]
            outcome.state.offer(categories: categories.map(\.id), for: text, card: card, at: now)
        case .escalate:
            outcome.unanswered = UnansweredQuestion(
                userID: "", text: text, understanding: understanding, messageKey: messageKey, createdAt: now)
            outcome.state.closeChoices()
        case .smalltalk:
            break
        }
    }

    // MARK: - Choices

    /// What the log calls the follow-ups to a question (the question itself was logged with its decision).
    enum FollowUp: String, CaseIterable {
        /// An entry picked from a list or card.
        case picked
        /// A category chosen after a clarify.
        case categoryChosen = "category_chosen"
        /// "都不是" to the suggestions.
        case declined
    }

    /// A tap on one of the bot's card buttons. Only the latest card's category and "都不是" buttons act
    /// on the pending question; an older card's would act on a question it was not about. An entry
    /// button always answers (its key says which entry), but leaves a newer card's choice open.
    private func respond(
        to action: CardAction, card: String, messageKey: String, region: String?, now: Date, into outcome: inout Outcome
    ) {
        let isLatestCard = outcome.state.cardTaskID == card
        switch action {
        case .pick(let entry):
            answer(
                entry, text: isLatestCard ? outcome.state.pendingQuestion ?? "" : "", messageKey: messageKey,
                region: region, now: now, closingChoices: isLatestCard, into: &outcome)
        case .category(let category):
            guard isLatestCard, let question = outcome.state.pendingQuestion,
                !outcome.state.openCategoryChoices(at: now).isEmpty
            else {
                outcome.replies = [.text(settings.replies.choiceExpired)]
                return
            }
            suggest(question, in: category, messageKey: messageKey, now: now, into: &outcome)
        case .noneOfThese:
            guard isLatestCard, let question = outcome.state.pendingQuestion,
                !outcome.state.openSuggestions(at: now).isEmpty
            else {
                outcome.replies = [.text(settings.replies.choiceExpired)]
                return
            }
            decline(question, messageKey: messageKey, now: now, into: &outcome)
        }
    }

    /// The answer of an entry the associate picked from a list or a card.
    private func answer(
        _ id: KnowledgeEntryID, text: String, messageKey: String, region: String?, now: Date, closingChoices: Bool = true,
        into outcome: inout Outcome
    ) {
        guard let entry = knowledge.engine.knowledgeBase.entry(id), entry.status == .published else {
            outcome.replies = [.text(settings.replies.choiceExpired)]
            return
        }
        outcome.replies = [.text(entry.answer(forRegion: region) + "\n\n" + settings.replies.feedbackPrompt)]
        outcome.log = log(
            text, messageKey, now,
            Understanding(
                decision: .answer, category: entry.category, candidates: [.init(entry: entry, score: 1)], confidence: 1,
                reasons: []),
            as: .picked)
        outcome.remembersAnswer = true
        if closingChoices { outcome.state.closeChoices() }
    }

    /// The associate said which category `question` is about: the closest entries of that category to
    /// pick from, or, when it has none, a hand-over routed to that category.
    private func suggest(
        _ question: String, in category: CategoryID, messageKey: String, now: Date, into outcome: inout Outcome
    ) {
        let engine = knowledge.engine
        let entries = engine.closestEntries(to: question, in: category)
        let name = engine.knowledgeBase.categories.first { $0.id == category }?.name ?? category.rawValue
        guard !entries.isEmpty else {
            handOver(
                question, Understanding(decision: .escalate, category: category, reasons: ["low_confidence"]),
                as: .categoryChosen, messageKey: messageKey, now: now, into: &outcome)
            return
        }
        let intro = settings.replies.categorySuggestIntro.replacingOccurrences(of: "{category}", with: name)
        let card = CardAction.newTaskID()
        outcome.replies = [suggestionBody(intro: intro, entries, taskID: card)]
        outcome.log = log(
            question, messageKey, now,
            Understanding(
                decision: .suggest, category: category, candidates: entries.map { .init(entry: $0, score: 0) },
                reasons: []),
            as: .categoryChosen)
        outcome.state.offer(entries.map(\.id), for: question, card: card, at: now)
    }

    /// "都不是": the question goes to a person, routed by the category of the best suggestion.
    private func decline(_ question: String, messageKey: String, now: Date, into outcome: inout Outcome) {
        let offered = outcome.state.suggestions.compactMap { knowledge.engine.knowledgeBase.entry($0) }
        handOver(
            question,
            Understanding(decision: .escalate, category: offered.first?.category, reasons: ["suggestions_declined"]),
            as: .declined, messageKey: messageKey, now: now, into: &outcome)
    }

    private func handOver(
        _ question: String, _ understanding: Understanding, as followUp: FollowUp, messageKey: String, now: Date,
        into outcome: inout Outcome
    ) {
        outcome.replies = [.text(settings.replies.handedOver)]
        outcome.log = log(question, messageKey, now, understanding, as: followUp)
        outcome.unanswered = UnansweredQuestion(
            userID: "", text: question, understanding: understanding, messageKey: messageKey, createdAt: now)
        outcome.state.closeChoices()
    }

    /// The active categories an associate can choose from.
    private var choosableCategories: [Category] { knowledge.engine.knowledgeBase.categories.filter(\.isActive) }

    /// A category named by the reply (订单, 物流问题 …).
    private func categoryNamed(_ text: String, among choices: [CategoryID]) -> CategoryID? {
        let normal = TextNormalizer.normalize(text)
        guard !normal.isEmpty else { return nil }
        let categories = knowledge.engine.knowledgeBase.categories.filter { choices.contains($0.id) }
        return categories.first { category in
            let name = TextNormalizer.normalize(category.name)
            return name == normal || name.replacingOccurrences(of: "问题", with: "") == normal
        }?.id
    }

    /// The question-log row for `understanding`; a follow-up is logged under its own name, so that a
    /// question is counted once.
    private func log(
        _ text: String, _ messageKey: String, _ now: Date, _ understanding: Understanding, as followUp: FollowUp? = nil
    ) -> QuestionLogRecord {
        QuestionLogRecord(
            userID: "", messageKey: messageKey, text: text, decision: followUp?.rawValue ?? understanding.decision.rawValue,
            category: understanding.category?.rawValue,
            entryID: understanding.decision == .answer ? understanding.candidates.first?.entry.id.rawValue : nil,
            candidateIDs: understanding.candidates.map(\.entry.id.rawValue).joined(separator: ","),
            confidence: understanding.confidence, reasons: understanding.reasons.joined(separator: ","), createdAt: now)
    }

    // MARK: - Welcome

    /// The welcome on opening the app: the categories and the most asked questions, numbered so that a
    /// number picks one. At most once per `welcomeInterval`, since WeCom reports every opening.
    private func welcome(hotQuestions: [KnowledgeEntryID], now: Date, into outcome: inout Outcome) {
        if let last = outcome.state.welcomedAt, now.timeIntervalSince(last) < settings.welcomeInterval { return }
        // In the middle of a choice: a numbered welcome would take over its numbers; greet next time.
        let choiceOpen =
            (outcome.state.pendingQuestion != nil && !outcome.state.openSuggestions(at: now).isEmpty)
            || !outcome.state.openCategoryChoices(at: now).isEmpty
        if choiceOpen { return }
        let knowledgeBase = knowledge.engine.knowledgeBase
        let categories = choosableCategories.map(\.name).joined(separator: "、")
        let hot = hotQuestions.compactMap { knowledgeBase.entry($0) }.filter { $0.status == .published }.prefix(3)
        var lines = [settings.replies.welcome.replacingOccurrences(of: "{categories}", with: categories)]
        if !hot.isEmpty {
            lines.append(settings.replies.hotQuestionsIntro)
            lines += numbered(hot.map(\.question))
            outcome.state.offer(hot.map(\.id), for: nil, card: nil, at: now)
        }
        lines.append(settings.replies.welcomeOutro)
        outcome.replies = [.text(lines.joined(separator: "\n"))]
        outcome.state.welcomedAt = now
    }
}

/// A reply that picks an item of a numbered list: 1, ２, 第3个, 一, 选2 …
enum SuggestionPick {
    static func parse(_ text: String, count: Int) -> Int? {
        guard count > 0 else { return nil }
        var normal = TextNormalizer.normalize(text)
        for wrapper in ["选择", "选", "第", "个", "条", "号", "项"] { normal = normal.replacingOccurrences(of: wrapper, with: "") }
        let chinese: [String: Int] = ["一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5]
        guard let number = Int(normal) ?? chinese[normal], (1...count).contains(number) else { return nil }
        return number
    }
}

/// "都不是" to a list of suggestions.
enum NoneOfThese {
    static let phrases: Set<String> = ["都不是", "都不对", "都没有", "没有", "不是", "都不是的", "以上都不是", "没有我要的", "都不是我要的"]

    static func matches(_ text: String) -> Bool { phrases.contains(TextNormalizer.normalize(text)) }
}

/// "有用" or "没用" about the answer just given.
enum Feedback {
    static let helpful: Set<String> = ["有用", "有帮助", "解决了", "已解决", "好用", "有用谢谢", "有帮助谢谢", "很有用", "👍"]
    static let unhelpful: Set<String> = ["没用", "没有用", "没帮助", "没有帮助", "没解决", "没有解决", "不对", "不是这个", "答非所问"]

    static func parse(_ text: String) -> Bool? {
        let normal = TextNormalizer.normalize(text)
        if helpful.contains(normal) || text.trimmingCharacters(in: .whitespaces) == "👍" { return true }
        if unhelpful.contains(normal) { return false }
        return nil
    }
}
