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
        var replies: [String] = []
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

    /// - Parameter hotQuestions: the most asked entries, offered in the welcome.
    func respond(
        to message: CallbackMessage, messageKey: String, state: ConversationState, hotQuestions: [KnowledgeEntryID],
        now: Date
    ) -> Outcome {
        var outcome = Outcome(state: state)
        switch message.content {
        case .text(let raw):
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            respond(toText: text, messageKey: messageKey, now: now, into: &outcome)
        case .image, .voice, .location, .link, .unsupported(_, nil):
            // A message from a person that is not text (an unknown type too): ask for words.
            outcome.replies = [settings.replies.nonText]
        case .enterAgent:
            welcome(hotQuestions: hotQuestions, now: now, into: &outcome)
        case .click, .templateCardEvent, .unsupported:
            break  // not questions; cards come with the escalation work
        }
        return outcome
    }

    /// The reply an associate gets for a first message the engine understood this way (also the
    /// dry run's `reply`).
    func reply(to understanding: Understanding, text: String) -> String {
        let replies = settings.replies
        switch understanding.decision {
        case .answer:
            return (understanding.candidates.first?.entry.answer ?? "") + "\n\n" + replies.feedbackPrompt
        case .suggest:
            let list = understanding.candidates.prefix(3).enumerated().map { "\($0.offset + 1). \($0.element.entry.question)" }
            return ([replies.suggestIntro] + list + [replies.suggestOutro]).joined(separator: "\n")
        case .clarify:
            return replies.clarify
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

    private func respond(toText text: String, messageKey: String, now: Date, into outcome: inout Outcome) {
        let engine = knowledge.engine
        // A number picks from the list just offered.
        let offered = outcome.state.openSuggestions(at: now)
        if let pick = SuggestionPick.parse(text, count: offered.count),
            let entry = engine.knowledgeBase.entry(offered[pick - 1]), entry.status == .published
        {
            outcome.replies = [entry.answer + "\n\n" + settings.replies.feedbackPrompt]
            outcome.log = log(text, messageKey, now, decision: "picked", category: entry.category, entry: entry.id)
            outcome.remembersAnswer = true
            outcome.state.suggestions = []
            outcome.state.suggestedAt = nil
            return
        }
        // 有用 / 没用 right after an answer is feedback on it.
        if let logID = outcome.state.openAnswer(at: now), let helpful = Feedback.parse(text) {
            outcome.feedback = (logID, helpful)
            outcome.state.lastAnswerLogID = nil
            outcome.state.answeredAt = nil
            outcome.replies = [helpful ? settings.replies.feedbackThanks : settings.replies.feedbackSorry]
            return
        }

        let understanding = engine.understand(text)
        outcome.replies = [reply(to: understanding, text: text)]
        outcome.log = QuestionLogRecord(
            userID: "", messageKey: messageKey, text: text, decision: understanding.decision.rawValue,
            category: understanding.category?.rawValue,
            entryID: understanding.decision == .answer ? understanding.candidates.first?.entry.id.rawValue : nil,
            candidateIDs: understanding.candidates.map(\.entry.id.rawValue).joined(separator: ","),
            confidence: understanding.confidence, reasons: understanding.reasons.joined(separator: ","), createdAt: now)
        switch understanding.decision {
        case .answer:
            outcome.remembersAnswer = true
            outcome.state.suggestions = []
        case .suggest:
            outcome.state.suggestions = understanding.candidates.prefix(3).map(\.entry.id)
            outcome.state.suggestedAt = now
        case .escalate:
            outcome.unanswered = UnansweredQuestion(
                userID: "", text: text, understanding: understanding, messageKey: messageKey, createdAt: now)
        case .clarify, .smalltalk:
            break
        }
    }

    private func log(
        _ text: String, _ messageKey: String, _ now: Date, decision: String, category: CategoryID?, entry: KnowledgeEntryID?
    ) -> QuestionLogRecord {
        QuestionLogRecord(
            userID: "", messageKey: messageKey, text: text, decision: decision, category: category?.rawValue,
            entryID: entry?.rawValue, candidateIDs: entry?.rawValue ?? "", confidence: 1, reasons: "", createdAt: now)
    }

    // MARK: - Welcome

    /// The welcome on opening the app: the categories and the most asked questions, numbered so that a
    /// number picks one. At most once per `welcomeInterval`, since WeCom reports every opening.
    private func welcome(hotQuestions: [KnowledgeEntryID], now: Date, into outcome: inout Outcome) {
        if let last = outcome.state.welcomedAt, now.timeIntervalSince(last) < settings.welcomeInterval { return }
        let knowledgeBase = knowledge.engine.knowledgeBase
        let categories = knowledgeBase.categories.filter(\.isActive).map(\.name).joined(separator: "、")
        let hot = hotQuestions.compactMap { knowledgeBase.entry($0) }.filter { $0.status == .published }.prefix(3)
        var lines = [settings.replies.welcome.replacingOccurrences(of: "{categories}", with: categories)]
        if !hot.isEmpty {
            lines.append(settings.replies.hotQuestionsIntro)
            lines += hot.enumerated().map { "\($0.offset + 1). \($0.element.question)" }
            outcome.state.suggestions = hot.map(\.id)
            outcome.state.suggestedAt = now
        }
        lines.append(settings.replies.welcomeOutro)
        outcome.replies = [lines.joined(separator: "\n")]
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
