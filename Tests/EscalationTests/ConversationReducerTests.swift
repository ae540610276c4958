import Categories
import Foundation
import Testing

@testable import Escalation

/// The conversation's rules, as a table of (state, input, time) → (replies, effects, state), on the seed
/// knowledge base and a clock that only moves when told.
@Suite("The conversation reducer")
struct ConversationReducerTests {
    static let seedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")
    static let knowledge = QuestionEngine(knowledgeBase: try! KnowledgeBase.load(fromDirectory: seedDirectory))
    static let reducer = ConversationReducer()
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static var replies: BotReplies { reducer.replies }

    private func step(
        _ input: ConversationInput, _ state: ConversationState = ConversationState(), after seconds: TimeInterval = 0,
        key: String = "m2", choiceID: String = "c2", hot: [KnowledgeEntryID] = [], region: String? = nil
    ) -> ConversationReducer.Step {
        Self.reducer.reduce(
            input, state: state, knowledge: Self.knowledge,
            context: .init(messageKey: key, region: region, hotQuestions: hot, newChoiceID: choiceID),
            now: Self.start.addingTimeInterval(seconds))
    }

    private func choosing(_ entries: [KnowledgeEntryID], question: String? = "小票", id: String? = "c1") -> ConversationState {
        ConversationState(
            mode: .choosing(OpenChoice(options: .entries(entries), question: question, id: id, offeredAt: Self.start)))
    }

    private static let answered = ConversationState(
        mode: .awaitingFeedback(AnsweredQuestion(messageKey: "m1", answeredAt: start)))
    private static let offered: [KnowledgeEntryID] = ["system-001", "order-002", "logistics-001"]

    static func handOver(in step: ConversationReducer.Step) -> HandOver? {
        step.effects.lazy.compactMap { if case .handOver(let handOver) = $0 { handOver } else { nil } }.first
    }

    // MARK: - First messages

    @Test("A first message gets the hand-over policy's decision, and the mode that follows from it")
    func firstMessages() throws {
        let table: [(text: String, decision: Decision, reason: ReasonCode?, mode: String)] = [
            ("调拨单在哪查", .answer, nil, "awaitingFeedback"),
            ("小票", .suggest, .lowConfidence, "choosing"),
            ("发货慢", .clarify, .shortQuestion, "choosing"),
            ("你好", .smalltalk, .smalltalk, "idle"),
            ("今天天气怎么样", .smalltalk, .outOfScope, "idle"),
            ("转人工", .escalate, .requestedHuman, "idle"),
            ("收银机冒烟了，紧急", .escalate, .urgent, "idle"),
            ("华东区的促销活动什么时候开始", .escalate, .regional, "idle"),
        ]
        for row in table {
            let result = step(.text(row.text))
            let logged = try #require(result.loggedQuestion, "\(row.text)")
            #expect(logged.assessment.decision == row.decision, "\(row.text)")
            if let reason = row.reason {
                #expect(logged.assessment.reasons.contains(reason), "\(row.text)")
            } else {
                #expect(logged.assessment.reasons.isEmpty, "\(row.text)")
            }
            #expect(Self.modeName(result.state.mode) == row.mode, "\(row.text)")
            // A hand-over without intake questions opens a ticket at once; the ticket's confirmation is the reply.
            #expect(result.replies.count == (row.decision == .escalate ? 0 : 1), "\(row.text)")
            #expect((Self.handOver(in: result) != nil) == (row.decision == .escalate), "\(row.text)")
            #expect((Self.ticketRequest(in: result) != nil) == (row.decision == .escalate), "\(row.text)")
        }
    }

    @Test("An answer ends with the feedback prompt and awaits feedback on its own message")
    func answer() throws {
        let result = step(.text("  调拨单在哪查 "), key: "m9")
        guard case .text(let text) = try #require(result.replies.first) else {
            Issue.record("not a text")
            return
        }
        #expect(text.hasSuffix("\n\n——\n这个回答对“调拨单在哪查”有帮助吗？回复“有用”或“没用”。"))
        // Two questions answered by one entry get messages of their own.
        #expect(step(.text("调拨单去哪里查")).replies != result.replies)
        #expect(result.loggedQuestion?.answered == "logistics-001")
        #expect(result.loggedQuestion?.text == "调拨单在哪查")
        #expect(
            result.state.mode
                == .awaitingFeedback(
                    AnsweredQuestion(messageKey: "m9", answeredAt: Self.start, question: "调拨单在哪查", entry: "logistics-001")))
    }

    @Test("Suggestions are a list of the three closest with a none-of-these choice, remembered under the list's id")
    func suggestions() throws {
        let result = step(.text("小票"), choiceID: "card-7")
        guard case .choices(let list) = try #require(result.replies.first) else {
            Issue.record("not a list")
            return
        }
        #expect(list.id == "card-7")
        #expect(list.items.count == 3)
        #expect(list.noneOfThese == Self.replies.noneOfTheseButton)
        guard case .choosing(let choice) = result.state.mode else {
            Issue.record("not choosing")
            return
        }
        #expect(choice.id == "card-7")
        #expect(choice.question == "小票")
        #expect(choice.entries == list.items.compactMap { if case .pick(let id) = $0.action { id } else { nil } })
    }

    // MARK: - Follow-ups

    @Test("A number picks from the open list; after 30 minutes the list is forgotten")
    func pickByNumber() {
        let picked = step(.text("2"), choosing(Self.offered), after: 60)
        #expect(picked.loggedQuestion?.followUp == .picked)
        #expect(picked.loggedQuestion?.answered == "order-002")
        #expect(Self.modeName(picked.state.mode) == "awaitingFeedback")

        let late = step(.text("2"), choosing(Self.offered), after: ConversationState.memory + 1)
        #expect(late.loggedQuestion?.followUp == nil)
        #expect(late.loggedQuestion?.answered == nil)
    }

    @Test("都不是 hands the question over, routed by the best suggestion's category")
    func declined() throws {
        let result = step(.text("都不是"), choosing(Self.offered))
        let handOver = try #require(Self.handOver(in: result))
        #expect(handOver.question == "小票")
        #expect(handOver.assessment.reasons == [.suggestionsDeclined])
        #expect(handOver.assessment.category == "system")
        #expect(result.loggedQuestion?.followUp == .declined)
        // A system question: the intake asks which system before the ticket opens.
        #expect(Self.modeName(result.state.mode) == "intake")
        guard case .text(let asked) = try #require(result.replies.first) else { return }
        #expect(asked.hasPrefix(Self.replies.intakeIntro))
        #expect(Self.ticketRequest(in: result) == nil)
    }

    @Test("有用/没用 right after an answer is feedback on that message; later it is not")
    func feedback() {
        let unhelpful = step(.text("没用"), Self.answered, after: 120)
        #expect(unhelpful.effects.contains(.feedback(onMessage: "m1", helpful: false)))
        #expect(unhelpful.replies == [.text(Self.replies.feedbackSorry)])
        #expect(unhelpful.state.mode == .idle)

        let helpful = step(.text("有用"), Self.answered)
        #expect(helpful.effects.contains(.feedback(onMessage: "m1", helpful: true)))

        let late = step(.text("有用"), Self.answered, after: ConversationState.memory + 1)
        #expect(!late.effects.contains { if case .feedback = $0 { true } else { false } })
    }

    @Test("Choosing a category offers its closest entries; a category with nothing for it hands over there")
    func categoryChoice() throws {
        let asked = step(.text("发货慢"), choiceID: "c1")
        let chosen = step(.text("物流"), asked.state, after: 30)
        guard case .choices(let list) = try #require(chosen.replies.first) else {
            Issue.record("not a list")
            return
        }
        #expect(list.intro == "物流问题里和您的问题最接近的是：")
        #expect(chosen.loggedQuestion?.followUp == .categoryChosen)
        #expect(chosen.state.openChoice(at: Self.start)?.question == "发货慢")

        let byButton = step(.chose(.category("logistics"), choiceID: "c1"), asked.state, after: 30)
        #expect(byButton.replies == chosen.replies)

        let nothing = step(.chose(.category("order"), choiceID: "c1"), asked.state.with(question: "qqq"))
        let handOver = Self.handOver(in: nothing)
        #expect(handOver?.assessment.reasons == [.notCovered])
        #expect(handOver?.assessment.category == "order")
    }

    @Test(
        "An older list's none-of-these and category choices have expired; its entries still answer, leaving the newer list open")
    func olderList() {
        let newer = choosing(Self.offered, id: "c-new")
        #expect(step(.chose(.noneOfThese, choiceID: "c-old"), newer).replies == [.text(Self.replies.choiceExpired)])
        #expect(step(.chose(.category("order"), choiceID: "c-old"), newer).replies == [.text(Self.replies.choiceExpired)])
        let picked = step(.chose(.pick("operations-001"), choiceID: "c-old"), newer)
        #expect(picked.loggedQuestion?.answered == "operations-001")
        #expect(picked.state == newer)
        // The latest list's entry closes it and awaits feedback.
        let latest = step(.chose(.pick("order-002"), choiceID: "c-new"), newer)
        #expect(latest.loggedQuestion?.text == "小票")
        #expect(Self.modeName(latest.state.mode) == "awaitingFeedback")
    }

    @Test("转人工 in the middle of a choice hands over at once")
    func humanAnytime() {
        let result = step(.text("转人工"), choosing(Self.offered))
        #expect(result.loggedQuestion?.assessment.reasons == [.requestedHuman])
        #expect(result.replies.isEmpty)
        // Never a confirmation or a category: the ticket opens at once, with nothing to route by.
        let request = Self.ticketRequest(in: result)
        #expect(request?.category == nil)
        #expect(request?.priority == .normal)
        #expect(result.state.mode == .idle)
    }

    @Test("A message that is not text asks for words and changes nothing")
    func nonText() {
        let state = choosing(Self.offered)
        let result = step(.nonText("图片"), state)
        #expect(result.effects == [.reply(.text(Self.replies.nonText))])
        #expect(result.state == state)
    }

    // MARK: - Welcome

    @Test("Opening the app welcomes with numbered hot questions at most every 12 hours, never over an open choice")
    func welcome() throws {
        let hot: [KnowledgeEntryID] = ["logistics-001", "order-001"]
        let first = step(.opened, hot: hot)
        guard case .welcome(let welcome) = try #require(first.replies.first) else {
            Issue.record("no welcome")
            return
        }
        for name in ["订单问题", "物流问题", "系统使用问题", "营运问题"] { #expect(welcome.greeting.contains(name)) }
        #expect(welcome.hotQuestions == ["调拨单在哪查", "线上订单怎么核销自提"])
        #expect(first.state.welcomedAt == Self.start)
        #expect(first.state.openChoice(at: Self.start)?.entries == hot)

        #expect(step(.opened, first.state, after: 11 * 3600, hot: hot).effects.isEmpty)
        #expect(!step(.opened, first.state, after: 12 * 3600, hot: hot).effects.isEmpty)
        #expect(step(.opened, choosing(Self.offered), hot: hot).effects.isEmpty)
        // A number after the welcome picks a hot question.
        #expect(step(.text("1"), first.state, after: 5).loggedQuestion?.answered == "logistics-001")
    }

    private static func modeName(_ mode: ConversationState.Mode) -> String {
        switch mode {
        case .idle: "idle"
        case .choosing: "choosing"
        case .awaitingFeedback: "awaitingFeedback"
        case .intake: "intake"
        case .rating: "rating"
        }
    }

    static func ticketRequest(in step: ConversationReducer.Step) -> TicketRequest? {
        step.effects.lazy.compactMap { if case .openTicket(let request) = $0 { request } else { nil } }.first
    }
}

extension ConversationState {
    fileprivate func with(question: String) -> ConversationState {
        guard case .choosing(var choice) = mode else { return self }
        choice.question = question
        return ConversationState(mode: .choosing(choice), welcomedAt: welcomedAt)
    }
}
