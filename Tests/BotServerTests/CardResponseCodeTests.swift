import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
import WeComAdapter

@testable import BotServer

/// WeCom's response codes for updating sent cards: each used once, a member's latest click kept, none
/// used after 24 hours, and a text instead when a card has no code left.
@Suite("Card response codes: used once, the latest click's, within 24 hours, else a text")
struct CardResponseCodeTests {
    @Test("Each member's latest click is kept; the latest code goes first; a spent code is never taken again")
    func bookkeeping() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let t0 = TicketBench.morning
        try await database.writer.write { db in
            try CardUpdateCodes.record("send", card: "T", member: nil, at: t0, in: db)
            try CardUpdateCodes.record("bob-1", card: "T", member: "hq_bob", at: t0.addingTimeInterval(60), in: db)
            try CardUpdateCodes.record("bob-2", card: "T", member: "hq_bob", at: t0.addingTimeInterval(120), in: db)
            try CardUpdateCodes.record("other", card: "U", member: nil, at: t0.addingTimeInterval(180), in: db)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM card_response_code WHERE task_id = 'T'") == 2)
            let now = t0.addingTimeInterval(300)
            // bob's older click was replaced by his newer one.
            #expect(try CardUpdateCodes.take(CardTap(cardID: "T", user: "hq_bob", token: "bob-1"), now: now, in: db) == nil)
            #expect(try CardUpdateCodes.take(card: "T", now: now, in: db) == "bob-2")
            #expect(try CardUpdateCodes.take(card: "T", now: now, in: db) == "send")
            #expect(try CardUpdateCodes.take(card: "T", now: now, in: db) == nil)
            // The same click handled again does not make its spent code usable.
            try CardUpdateCodes.record("bob-2", card: "T", member: "hq_bob", at: t0.addingTimeInterval(120), in: db)
            #expect(try CardUpdateCodes.take(card: "T", now: now, in: db) == nil)
            #expect(try CardUpdateCodes.take(CardTap(cardID: "T", user: "hq_bob", token: "bob-2"), now: now, in: db) == nil)
            #expect(try CardUpdateCodes.wasUpdatedForEveryone("T", in: db))
            // A code within ten minutes of its 24 hours is not taken: the update might arrive too late.
            let nearlyADay = t0.addingTimeInterval(180 + 24 * 3600 - 300)
            #expect(try CardUpdateCodes.take(card: "U", now: nearlyADay, in: db) == nil)
            #expect(try !CardUpdateCodes.wasUpdatedForEveryone("U", in: db))
        }
    }

    @Test("A claim handled 25 hours after the tap: no expired code is used; the others are told by text who took it")
    func expiredTap() async throws {
        let bench = try TicketBench()
        let t0 = TicketBench.morning
        try await bench.openTicket(at: t0)
        try await bench.sendAll(at: t0)
        let taskID = try await bench.offerTaskID()
        let tapped = t0.addingTimeInterval(3600)
        let inboxID = try await bench.acceptTap("claim:1001", taskID: taskID, by: "hq_amy", code: "rc-amy", at: tapped)
        let before = try await bench.lastOutboxID()
        _ = try await bench.transaction.completeAgentCommand(
            inboxID, command: .claim(TicketNumber(1001)), by: TicketBench.amy,
            tap: CardTap(cardID: taskID, user: "hq_amy", token: "rc-amy"), now: tapped.addingTimeInterval(25 * 3600))
        let queued = try await bench.queued(after: before)
        #expect(!queued.contains { if case .cardUpdate = $0.item { true } else { false } })
        let texts = queued.compactMap { row -> (users: [String], text: String)? in
            guard case .message(let message) = row.item, case .text(let text) = message.body else { return nil }
            return (message.toUsers, text)
        }
        #expect(texts.contains { $0.users == ["hq_bob", "hq_cai"] && $0.text == "工单 #1001 已被Amy认领" })
        // Amy hears her claim's acknowledgement, not the card's text.
        #expect(!texts.contains { $0.users.contains("hq_amy") && $0.text.hasPrefix("工单 #1001 已被") })
    }

    @Test("A fresh tap's code updates every card; the next change takes the card's other unspent code, then none")
    func freshTapThenSendCode() async throws {
        let bench = try TicketBench()
        let t0 = TicketBench.morning
        try await bench.openTicket(at: t0)
        try await bench.sendAll(at: t0)
        let taskID = try await bench.offerTaskID()
        let inboxID = try await bench.acceptTap("claim:1001", taskID: taskID, by: "hq_amy", code: "rc-amy", at: t0 + 60)
        var before = try await bench.lastOutboxID()
        _ = try await bench.transaction.completeAgentCommand(
            inboxID, command: .claim(TicketNumber(1001)), by: TicketBench.amy,
            tap: CardTap(cardID: taskID, user: "hq_amy", token: "rc-amy"), now: t0 + 61)
        let claimed = try await bench.queued(after: before).compactMap { row -> CardUpdate? in
            guard case .cardUpdate(let update) = row.item else { return nil }
            return update
        }
        #expect(claimed == [CardUpdate(responseCode: "rc-amy", atAll: true, replaceName: "已被Amy认领")])
        // Amy passes it back to the team: the cards are updated once more, with the send's code.
        before = try await bench.lastOutboxID()
        _ = try await bench.transaction.performForAPI(
            .reassign(TicketNumber(1001), to: "south-ops"), by: TicketBench.amy, now: t0 + 120)
        let reassigned = try await bench.queued(after: before)
        let updates = reassigned.compactMap { row -> CardUpdate? in
            guard case .cardUpdate(let update) = row.item else { return nil }
            return update
        }
        #expect(updates == [CardUpdate(responseCode: "send-\(taskID)", atAll: true, replaceName: "已转派")])
        // Each update expires a day after its code was given, not after it was queued.
        let expiries = reassigned.filter { if case .cardUpdate = $0.item { true } else { false } }.map(\.record.expiresAt)
        #expect(expiries == [t0.addingTimeInterval(24 * 3600)])
    }

    @Test("A card split for a member who waited is updated too, with its own code")
    func splitCardUpdated() async throws {
        let bench = try TicketBench()
        let t0 = TicketBench.morning
        // 蔡 leads every team and has had 28 messages this minute.
        try await bench.database.writer.write { db in
            for index in 1...28 {
                try OutboxMemberBudget.record(["hq_cai"], outboxID: Int64(10_000 + index), attempt: 0, at: t0, in: db)
            }
        }
        try await bench.openTicket(at: t0)
        try await bench.sendAll(at: t0)
        try await bench.sendAll(at: t0.addingTimeInterval(60))
        let taskID = try await bench.offerTaskID()
        let cards = try await bench.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT task_id FROM outbox WHERE task_id IS NOT NULL ORDER BY id")
        }
        #expect(cards == [taskID, taskID + "-s1"])
        let before = try await bench.lastOutboxID()
        _ = try await bench.transaction.performForAPI(.claim(TicketNumber(1001)), by: TicketBench.bob, now: t0 + 120)
        let updates = try await bench.queued(after: before).compactMap { row -> CardUpdate? in
            guard case .cardUpdate(let update) = row.item else { return nil }
            return update
        }
        #expect(
            updates == [
                CardUpdate(responseCode: "send-\(taskID)", atAll: true, replaceName: "已被Bob认领"),
                CardUpdate(responseCode: "send-\(taskID)-s1", atAll: true, replaceName: "已被Bob认领"),
            ])
    }

    @Test(
        "Through WeCom: a claim typed as a command spends the send's code; the withdrawal later uses a click's, never the spent one"
    )
    func neverReused() async throws {
        let fixture = TestWeCom.fixture
        let clock = ManualWallClock(TicketBench.morning)
        try await withLiveServer(prepare: { wecom, _ in await TicketFlowTests.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "我们广州这边门店周末的促销活动怎么安排？", msgID: 90001))
            #expect(await eventually { await TicketFlowTests.cards(wecom, to: "hq_cai").count == 1 })
            let card = try #require(await TicketFlowTests.cards(wecom, to: "hq_amy").first)
            // Amy claims by message: the cards are updated with the code WeCom gave the card's send.
            try await client.post(try fixture.text(from: "hq_amy", "#1001 认领", msgID: 90002))
            #expect(await eventually { await wecom.state.cardUpdates.count == 1 })
            // 蔡 taps 转派 on the greyed card anyway: the tap brings a fresh code, which nothing uses yet.
            try await client.post(
                try fixture.cardClick(from: "hq_cai", key: "reassign:1001", taskID: card.taskID, responseCode: "rc-cai"))
            #expect(await eventually { await TicketFlowTests.texts(wecom, to: "hq_cai").contains { $0.contains("转派请回复") } })
            // The store withdraws: the cards say so, with 蔡's code.
            try await client.post(try fixture.text(from: "wangwu", "不用了", msgID: 90003))
            #expect(await databaseEventually(dataURL, "SELECT status FROM ticket WHERE number = 1001", is: "closed"))
            #expect(await eventually { await wecom.state.cardUpdates.count == 2 })
            let updates = await wecom.state.cardUpdates
            #expect(updates.map(\.replaceName) == ["已被Amy认领", "门店已撤回"])
            #expect(updates.last?.responseCode == "rc-cai")
            #expect(Set(updates.compactMap(\.responseCode)).count == 2)
            try await Task.sleep(for: .milliseconds(300))
            #expect(databaseValue(dataURL, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'", as: Int.self) == 0)
        }
    }
}
