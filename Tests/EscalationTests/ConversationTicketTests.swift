import Categories
import Foundation
import Testing

@testable import Escalation

/// The conversation around tickets: intake before the hand-over, silence while an agent owns it,
/// 新问题 / 不用了, ratings, and the offer of a person when a question comes back.
@Suite("The conversation with tickets")
struct ConversationTicketTests {
    static let knowledge = ConversationReducerTests.knowledge
    static let reducer = ConversationReducer()
    static let start = ConversationReducerTests.start
    static var replies: BotReplies { reducer.replies }

    private func step(
        _ input: ConversationInput, _ state: ConversationState = ConversationState(), after seconds: TimeInterval = 0
    ) -> ConversationReducer.Step {
        Self.reducer.reduce(
            input, state: state, knowledge: Self.knowledge, context: .init(messageKey: "m", newChoiceID: "c"),
            now: Self.start.addingTimeInterval(seconds))
    }

    private func texts(_ step: ConversationReducer.Step) -> [String] {
        step.replies.compactMap { if case .text(let text) = $0 { text } else { nil } }
    }

    @Test("An order question handed over asks for the order number, then opens the ticket with the answer")
    func intake() throws {
        let asked = step(.text("顾客的线上订单退款一直没到账，转人工"))
        guard case .intake(let pending) = asked.state.mode else {
            Issue.record("no intake: \(asked.state.mode)")
            return
        }
        #expect(pending.request.category == "order")
        #expect(texts(asked).first?.contains("订单号") == true)
        let answered = step(.text("SO2024112900123"), asked.state, after: 20)
        let request = try #require(ConversationReducerTests.ticketRequest(in: answered))
        #expect(request.intake.first?.answer == "SO2024112900123")
        #expect(request.transcript.map(\.direction) == [.fromAssociate, .toAssociate, .fromAssociate])
        #expect(answered.replies.isEmpty)
        #expect(answered.state.mode == .idle)
    }

    @Test("A value already in the message is not asked again; 跳过 skips; urgent tickets skip intake")
    func intakeShortcuts() throws {
        let recognized = step(.text("订单号 SO2024112900123 顾客说退款没到账，转人工"))
        let request = try #require(ConversationReducerTests.ticketRequest(in: recognized))
        #expect(request.intake.first?.recognized == true)
        #expect(request.intake.first?.answer?.contains("SO2024112900123") == true)

        let asked = step(.text("POS机坏了，转人工"))
        let first = step(.text("跳过"), asked.state)
        #expect(Self.modeName(first.state.mode) == "intake")
        let second = step(.text("不知道"), first.state)
        let skipped = try #require(ConversationReducerTests.ticketRequest(in: second))
        #expect(skipped.intake.allSatisfy { $0.answer == nil })

        let urgent = step(.text("收银机冒烟了，紧急"))
        #expect(ConversationReducerTests.ticketRequest(in: urgent)?.priority == .urgent)
        #expect(ConversationReducerTests.ticketRequest(in: urgent)?.intake.isEmpty == true)
    }

    @Test("An intake left unanswered goes ahead after 10 minutes: on the next tick, or with the next message")
    func intakeOverdue() throws {
        let asked = step(.text("顾客的线上订单退款一直没到账，转人工"))
        #expect(asked.state.dueAt == Self.start.addingTimeInterval(PendingTicket.patience))
        #expect(step(.tick, asked.state, after: 300).effects.isEmpty)
        let ticked = step(.tick, asked.state, after: 601)
        let request = try #require(ConversationReducerTests.ticketRequest(in: ticked))
        #expect(request.question == "顾客的线上订单退款一直没到账，转人工")
        #expect(request.intake.first?.answer == nil)
        #expect(ticked.replies.isEmpty && ticked.state.mode == .idle && ticked.state.dueAt == nil)

        // Written an hour later: the ticket opens and the message is on it, not taken as a new question.
        let later = step(.text("调拨单在哪查"), asked.state, after: 3600)
        let withMessage = try #require(ConversationReducerTests.ticketRequest(in: later))
        #expect(withMessage.transcript.last?.text == "调拨单在哪查")
        #expect(later.replies.isEmpty)
        #expect(texts(step(.text("不用了"), asked.state, after: 3600)) == [Self.replies.handOverCancelled])
    }

    @Test("An emergency written in answer to an intake question opens the ticket at once, urgent; an order number never does")
    func emergencyDuringIntake() throws {
        let order = step(.text("SO20261203001"), step(.text("顾客的线上订单退款一直没到账，转人工")).state, after: 30)
        let normal = try #require(ConversationReducerTests.ticketRequest(in: order))
        #expect(normal.intake.first?.answer == "SO20261203001")
        #expect(!normal.reasons.contains(.urgent))
        let asked = step(.text("顾客的线上订单退款一直没到账，转人工"))
        let emergency = step(.text("店里漏水了，紧急！"), asked.state, after: 30)
        let request = try #require(ConversationReducerTests.ticketRequest(in: emergency))
        #expect(request.priority == .urgent)
        #expect(request.reasons.contains(.urgent))
        #expect(request.intake.first?.answer == nil)
    }

    @Test("While a person owns the conversation the bot neither greets nor answers taps on its old lists")
    func noBotOverPerson() {
        let owned = ConversationState(ticket: TicketNumber(1001))
        #expect(step(.opened, owned).effects.isEmpty)
        let pick = step(.chose(.pick("logistics-001"), choiceID: "old"), owned)
        #expect(texts(pick) == [Self.replies.alreadyWithPerson])
        #expect(!pick.effects.contains { if case .logQuestion = $0 { true } else { false } })
        #expect(
            step(.chose(.rate(TicketNumber(1000 + 1), .satisfied), choiceID: "r"), owned).effects == [
                .ticket(TicketNumber(1001), .rate(.satisfied))
            ])
    }

    @Test("An entry whose answer differs by region, with none for the associate's, is a regional matter for a person")
    func regionVariantMissing() throws {
        let seed = Self.knowledge.knowledgeBase
        let entries = seed.entries.map { entry -> KnowledgeEntry in
            var entry = entry
            if entry.id == "logistics-001" { entry.regionAnswers = ["华东区": "华东区的调拨单在 ERP 的华东门户查。"] }
            return entry
        }
        let knowledge = QuestionEngine(
            knowledgeBase: try KnowledgeBase(categories: seed.categories, entries: entries, synonyms: seed.synonyms))
        func ask(_ input: ConversationInput, region: String?, _ state: ConversationState = ConversationState())
            -> ConversationReducer.Step
        {
            Self.reducer.reduce(
                input, state: state, knowledge: knowledge, context: .init(messageKey: "m", region: region, newChoiceID: "c"),
                now: Self.start)
        }
        let east = ask(.text("调拨单在哪查"), region: "华东区")
        #expect(texts(east).first?.hasPrefix("华东区的调拨单") == true)
        let south = ask(.text("调拨单在哪查"), region: "华南区")
        let handOver = try #require(ConversationReducerTests.handOver(in: south))
        #expect(handOver.assessment.reasons == [.regional])
        #expect(handOver.assessment.category == "logistics")
        // Picked from a list, the same.
        let picked = ask(.chose(.pick("logistics-001"), choiceID: "c"), region: nil)
        #expect(ConversationReducerTests.handOver(in: picked)?.assessment.reasons == [.regional])
    }

    @Test("不用了 during the intake cancels the hand-over")
    func intakeCancelled() {
        let asked = step(.text("顾客的线上订单退款一直没到账，转人工"))
        let cancelled = step(.text("不用了"), asked.state)
        #expect(texts(cancelled) == [Self.replies.handOverCancelled])
        #expect(cancelled.state.mode == .idle)
        #expect(ConversationReducerTests.ticketRequest(in: cancelled) == nil)
    }

    @Test("While an agent owns the conversation the bot is silent: texts and media go onto the ticket")
    func silentWhileOwned() {
        let owned = ConversationState(ticket: TicketNumber(1001))
        let question = step(.text("调拨单在哪查"), owned)
        #expect(question.replies.isEmpty)
        #expect(question.effects == [.ticket(TicketNumber(1001), .add("调拨单在哪查"))])
        #expect(step(.nonText("图片"), owned).effects == [.ticket(TicketNumber(1001), .add("[图片]"))])
        #expect(
            step(.nonText("图片", detail: "https://p.example/1.jpg"), owned).effects == [
                .ticket(TicketNumber(1001), .add("[图片] https://p.example/1.jpg"))
            ])
        #expect(
            step(.nonText("图片", detail: "https://p.example/1.jpg", attachment: Attachment(.image, mediaID: "M1")), owned).effects
                == [
                    .ticket(TicketNumber(1001), .addAttachment("[图片] https://p.example/1.jpg", Attachment(.image, mediaID: "M1")))
                ])

        let back = step(.text("新问题"), owned)
        #expect(back.effects == [.ticket(TicketNumber(1001), .returnToBot)])
        #expect(back.state.ticket == nil)
        let withdrawn = step(.text("不用了"), owned)
        #expect(withdrawn.effects == [.ticket(TicketNumber(1001), .withdraw)])
    }

    @Test("#1001 进度, #1001 <text> and 本店工单 work in any state, ＃ too")
    func associateCommands() {
        #expect(step(.text("#1001 进度")).effects == [.ticket(TicketNumber(1001), .progress)])
        #expect(step(.text("＃1001")).effects == [.ticket(TicketNumber(1001), .progress)])
        #expect(step(.text("#1001 还有一件事")).effects == [.ticket(TicketNumber(1001), .add("还有一件事"))])
        #expect(step(.text("本店工单")).effects == [.storeTickets])
    }

    @Test("After resolution 满意/不满意/没解决 rate the ticket; 好的，谢谢 does neither")
    func rating() {
        let resolved = ConversationState(mode: .rating(TicketNumber(1001), resolvedAt: Self.start))
        #expect(step(.text("满意"), resolved, after: 60).effects == [.ticket(TicketNumber(1001), .rate(.satisfied))])
        #expect(step(.text("没解决"), resolved, after: 60).effects == [.ticket(TicketNumber(1001), .rate(.unresolved))])
        // The card's buttons by number, as a channel without cards shows them.
        #expect(step(.text("1"), resolved, after: 60).effects == [.ticket(TicketNumber(1001), .rate(.satisfied))])
        #expect(step(.text("3"), resolved, after: 60).effects == [.ticket(TicketNumber(1001), .rate(.unresolved))])
        #expect(step(.text("沒解決"), resolved, after: 60).effects == [.ticket(TicketNumber(1001), .rate(.unresolved))])
        let thanks = step(.text("好的，谢谢"), resolved, after: 60)
        #expect(!thanks.effects.contains { if case .ticket = $0 { true } else { false } })
        #expect(texts(thanks) == [Self.replies.thanks])
        #expect(
            step(.chose(.rate(TicketNumber(1001), .unsatisfied), choiceID: "x")).effects == [
                .ticket(TicketNumber(1001), .rate(.unsatisfied))
            ])
    }

    @Test("没用 on an answer hands the question over")
    func unhelpful() throws {
        let answered = step(.text("调拨单在哪查"))
        let unhelpful = step(.text("没用"), answered.state, after: 60)
        #expect(unhelpful.effects.contains(.feedback(onMessage: "m", helpful: false)))
        let handOver = try #require(ConversationReducerTests.handOver(in: unhelpful))
        #expect(handOver.question == "调拨单在哪查")
        #expect(handOver.assessment.reasons == [.answerUnhelpful])
        #expect(handOver.assessment.category == "logistics")
    }

    @Test("The same question within 10 minutes is answered again with the offer of a person, which hands it over")
    func askedAgain() throws {
        let first = step(.text("调拨单在哪查"))
        #expect(first.replies.count == 1)
        let again = step(.text("调拨单在哪查？"), first.state, after: 300)
        #expect(again.replies.count == 2)
        guard case .choices(let offer) = try #require(again.replies.last) else { return }
        #expect(offer.items.map(\.action) == [.requestPerson])
        #expect(ConversationReducerTests.ticketRequest(in: again) == nil)
        let later = step(.text("调拨单在哪查"), first.state, after: 11 * 60)
        #expect(later.replies.count == 1)

        let taken = step(.chose(.requestPerson, choiceID: "c-p"), again.state, after: 320)
        let handOver = try #require(ConversationReducerTests.handOver(in: taken))
        #expect(handOver.question == "调拨单在哪查？")
        #expect(handOver.assessment.reasons == [.requestedHuman])
    }

    @Test("A category an admin marks always a person hands its questions over")
    func alwaysPerson() throws {
        let seed = Self.knowledge.knowledgeBase
        let categories = seed.categories.map { category in
            var category = category
            category.alwaysPerson = category.id == "logistics"
            return category
        }
        let engine = QuestionEngine(
            knowledgeBase: try KnowledgeBase(categories: categories, entries: seed.entries, synonyms: seed.synonyms))
        let assessment = HandOverPolicy().assess("调拨单在哪查", with: engine)
        #expect(assessment.decision == .escalate)
        #expect(assessment.reasons == [.categoryAlwaysPerson])
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
}
