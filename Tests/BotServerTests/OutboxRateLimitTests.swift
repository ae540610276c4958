import Escalation
import FakeWeCom
import Foundation
import GRDB
import Logging
import Testing
import WeComAdapter

@testable import BotServer

@Suite("WeCom's per-member limit: a budget per member, digests of what waits, other lanes going on")
struct OutboxRateLimitTests {
    private static func card(to user: String, task: String) -> OutgoingMessage {
        OutgoingMessage(
            toUsers: [user],
            body: .templateCard(
                TemplateCard(
                    mainTitle: .init(title: "工单 #1001", desc: "上海南京路店"), taskID: task,
                    buttons: [.init(text: "认领", style: 1, key: "claim:1001"), .init(text: "转派", style: 2, key: "pass:1001")])))
    }

    @Test(
        "40 messages to one agent in a burst: at most 28 in any minute, the rest as digests once the window frees, the card a card, in order, once"
    )
    func burst() async throws {
        let clock = ManualWallClock()
        let start = clock.now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        let texts = (1...39).map { "【#\(1000 + $0) 华南区营运支持】门店反馈第 \($0) 条" }
        // 30 texts, a card, 9 texts: the card comes among the rows that the budget holds back.
        let items: [OutboxItem] =
            texts.prefix(30).map { .message(.text($0, to: "zhangsan")) }
            + [.message(Self.card(to: "zhangsan", task: "tkt-1001"))]
            + texts.dropFirst(30).map { .message(.text($0, to: "zhangsan")) }
        try await database.writer.write { db in try store.enqueue(items, inReplyTo: nil, at: start, in: db) }
        let signal = WorkSignal()
        try await FakeWeComServer.with { wecom in
            await wecom.state.useClock { clock.now() }
            await wecom.state.enforceMemberLimit()
            try await running(worker(store, wecom, signal: signal, clock: clock)) {
                #expect(await eventually(timeout: .seconds(15)) { await wecom.state.messageCount(to: "zhangsan") == 28 })
                // The 29th waits for the minute to pass, merged with what waits behind it.
                let held = try await eventually(timeout: .seconds(20)) {
                    try await database.writer.read { db in
                        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'merged'") == 9
                    }
                }
                #expect(held)
                #expect(try await store.nextDue() == start.addingTimeInterval(60))

                // Another member's messages go at once meanwhile.
                try await database.writer.write { db in
                    try store.enqueue(
                        (1...3).map { OutboxItem.message(.text("李四 \($0)", to: "lisi")) }, inReplyTo: nil, at: clock.now(), in: db
                    )
                }
                await signal.notify()
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.texts(to: "lisi").count == 3 })
                #expect(await wecom.state.messageCount(to: "zhangsan") == 28)

                clock.advance(by: 60)
                await signal.notify()
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.messageCount(to: "zhangsan") == 31 })
                #expect(try await settled(database.writer))
            }
            let sent = await wecom.state.sent.filter { $0.touser == "zhangsan" }
            #expect(sent.count == 31)
            #expect(await wecom.state.droppedOverLimit.isEmpty)
            #expect(await wecom.state.mostDeliveries(to: "zhangsan", within: 60) == 28)
            let times = await wecom.state.deliveryTimes(to: "zhangsan")
            #expect(times.prefix(28).allSatisfy { $0 == start })
            #expect(times.dropFirst(28).allSatisfy { $0 == start.addingTimeInterval(60) })
            // 28 texts alone, a digest of the two texts before the card, the card, a digest of the nine after.
            #expect(sent.prefix(28).compactMap(\.content) == Array(texts.prefix(28)))
            #expect(sent[28].content == texts[28...29].joined(separator: "\n\n"))
            #expect(sent[29].card?.taskID == "tkt-1001")
            #expect(sent[30].content == texts[30...].joined(separator: "\n\n"))
            // Every text exactly once, in order.
            let delivered = sent.compactMap(\.content).flatMap { $0.components(separatedBy: "\n\n") }
            #expect(delivered == texts)
        }
        let rows = try await database.writer.read { db in
            try OutboxRecord.filter(Column("user_id") == "zhangsan").order(Column("id")).fetchAll(db)
        }
        #expect(rows.count == 40)
        let digestIDs = [rows[28].id, rows[31].id]
        #expect(rows[28].digestID == rows[28].id && rows[28].status == .sent)
        #expect(rows[29].digestID == rows[28].id && rows[29].status == .merged)
        #expect(rows[30].digestID == nil && rows[30].status == .sent)
        #expect(rows[31...].allSatisfy { $0.digestID == rows[31].id })
        #expect(rows[32...].allSatisfy { $0.status == .merged })
        #expect(rows.filter { $0.status == .sent }.count == 31)
        // What the digest rows were queued with is kept.
        for (index, id) in zip([28, 31], digestIDs) {
            #expect(rows[index].id == id)
            let original = try JSONDecoder().decode(OutboxItem.self, from: Data((rows[index].originalPayload ?? "").utf8))
            #expect(original == .message(.text(texts[index == 28 ? 28 : 30], to: "zhangsan")))
        }
    }

    @Test(
        "A message to several members counts for each, and goes at once to those with room; a card update counts for no one and is never held"
    )
    func countedPerMember() async throws {
        let clock = ManualWallClock()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            try store.enqueue(
                (1...20).map { OutboxItem.message(OutgoingMessage(toUsers: ["zhangsan", "lisi"], body: .text("群发 \($0)"))) },
                inReplyTo: nil, at: clock.now(), in: db)
            try store.enqueue(
                (1...10).map { OutboxItem.message(.text("李四 \($0)", to: "lisi")) }, inReplyTo: nil, at: clock.now(), in: db)
        }
        let signal = WorkSignal()
        try await FakeWeComServer.with { wecom in
            await wecom.state.useClock { clock.now() }
            await wecom.state.enforceMemberLimit()
            try await running(worker(store, wecom, signal: signal, clock: clock)) {
                #expect(await eventually(timeout: .seconds(15)) { await wecom.state.deliveryTimes(to: "lisi").count == 28 })
                // Two of lisi's 30 wait (her own, or her share of a message to both): lisi has had 28 this
                // minute. zhangsan waits for no one: all 20 reach him at once.
                let waiting = try await eventually(timeout: .seconds(20)) {
                    try await database.writer.read { db in
                        try Date.fetchAll(db, sql: "SELECT next_attempt_at FROM outbox WHERE status = 'pending'")
                            .contains(clock.now().addingTimeInterval(60))
                    }
                }
                #expect(waiting)
                #expect(await eventually(timeout: .seconds(20)) { await wecom.state.deliveryTimes(to: "zhangsan").count == 20 })
                try await database.writer.write { db in
                    try store.enqueue(
                        [.cardUpdate(CardUpdate(responseCode: "rc-click", userIDs: ["lisi"], replaceName: "已认领"))],
                        inReplyTo: nil, at: clock.now(), in: db)
                }
                await signal.notify()
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.cardUpdates.count == 1 })
                try await Task.sleep(for: .milliseconds(200))
                #expect(await wecom.state.deliveryTimes(to: "lisi").count == 28)
                clock.advance(by: 60)
                await signal.notify()
                #expect(try await settled(database.writer))
            }
            #expect(await wecom.state.droppedOverLimit.isEmpty)
            #expect(await wecom.state.mostDeliveries(to: "lisi", within: 60) == 28)
            #expect(await wecom.state.deliveryTimes(to: "zhangsan").count == 20)
            #expect(await wecom.state.deliveryTimes(to: "zhangsan").allSatisfy { $0 == clock.now().addingTimeInterval(-60) })
            // zhangsan gets the 20 in order, to both or (once lisi waited) to him alone; lisi every one of
            // her 30 once, her share of those she waited for with her own.
            let toZhangsan = await wecom.state.sent.filter { $0.touser?.split(separator: "|").contains("zhangsan") == true }
            #expect(toZhangsan.compactMap(\.content) == (1...20).map { "群发 \($0)" })
            let toLisi = await wecom.state.sent.filter { $0.touser?.split(separator: "|").contains("lisi") == true }
            let lisiTexts = toLisi.compactMap(\.content).flatMap { $0.components(separatedBy: "\n\n") }
            #expect(lisiTexts.sorted() == ((1...20).map { "群发 \($0)" } + (1...10).map { "李四 \($0)" }).sorted())
            let own = lisiTexts.filter { $0.hasPrefix("李四") }
            #expect(own == (1...10).map { "李四 \($0)" })
        }
        // The card update was not counted.
        let counted = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_member_send WHERE member = 'lisi'")
        }
        #expect(counted == 30 - (try await mergedCount(database.writer)))
    }

    @Test("The hourly budget holds too, until the hour has room; nextDue says when")
    func hourly() async throws {
        let clock = ManualWallClock()
        let start = clock.now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            try store.enqueue(
                (1...7).map { OutboxItem.message(.text("回复 \($0)", to: "zhangsan")) }, inReplyTo: nil, at: start, in: db)
        }
        var budget = OutboxMemberBudget()
        budget.perHour = 5
        let signal = WorkSignal()
        try await FakeWeComServer.with { wecom in
            await wecom.state.useClock { clock.now() }
            try await running(worker(store, wecom, signal: signal, clock: clock, budget: budget)) {
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.messageCount(to: "zhangsan") == 5 })
                #expect(
                    try await eventually(timeout: .seconds(20)) { try await store.nextDue() == start.addingTimeInterval(3600) })
                clock.advance(by: 60)
                await signal.notify()
                try await Task.sleep(for: .milliseconds(300))
                #expect(await wecom.state.messageCount(to: "zhangsan") == 5)
                clock.advance(by: 3540)
                await signal.notify()
                #expect(try await settled(database.writer))
            }
            #expect(await wecom.state.texts(to: "zhangsan") == (1...5).map { "回复 \($0)" } + ["回复 6\n\n回复 7"])
        }
    }

    @Test("A held lane costs a few queries while it waits, not a busy loop")
    func noBusyLoopWhileHeld() async throws {
        let clock = ManualWallClock()
        let database = try AppDatabase(writer: DatabaseQueue())
        let base = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            // zhangsan had 28 messages a second ago.
            for index in 1...28 {
                try OutboxMemberBudget.record(
                    ["zhangsan"], outboxID: Int64(10_000 + index), attempt: 0, at: clock.now().addingTimeInterval(-1), in: db)
            }
            try base.enqueue(
                (1...3).map { OutboxItem.message(.text("请稍等 \($0)", to: "zhangsan")) }, inReplyTo: nil, at: clock.now(), in: db)
        }
        let store = CountingOutboxStore(base: base)
        try await FakeWeComServer.with { wecom in
            try await running(worker(store, wecom, clock: clock)) {
                // The worker merges the held texts first (its pace depends on the machine), then waits.
                #expect(try await eventually(timeout: .seconds(30)) { try await mergedCount(database.writer) == 2 })
                let before = store.calls
                try await Task.sleep(for: .seconds(1))
                let calls = store.calls - before
                #expect(calls < 4, "the worker queried the outbox \(calls) times in 1 s while the lane was held")
            }
            #expect(await wecom.state.sendAttempts == 0)
        }
        #expect(try await base.nextDue() == clock.now().addingTimeInterval(59))
    }

    @Test("Merging: runs of plain texts only, never past a card or markdown, never a row that may have arrived")
    func mergeRules() async throws {
        let clock = ManualWallClock()
        let now = clock.now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        let long = String(repeating: "长", count: 330)  // 990 bytes
        try await database.writer.write { db in
            for index in 1...28 {
                try OutboxMemberBudget.record(["zhangsan"], outboxID: Int64(10_000 + index), attempt: 0, at: now, in: db)
            }
            // A text that may have arrived before a crash, two texts, markdown, three texts, a card,
            // and four long texts that fill a message every two.
            var first = try OutboxRecord(inboxID: nil, message: .text("A", to: "zhangsan"), now: now)
            first.duplicateCheck = true
            try first.insert(db)
            try store.enqueue(
                [
                    .message(.text("B", to: "zhangsan")), .message(.text("C", to: "zhangsan")),
                    .message(OutgoingMessage(toUsers: ["zhangsan"], body: .markdown("**M**"))),
                    .message(.text("D", to: "zhangsan")), .message(.text("E", to: "zhangsan")),
                    .message(.text("F", to: "zhangsan")), .message(Self.card(to: "zhangsan", task: "tkt-1")),
                ] + (1...4).map { .message(.text("\($0)" + long, to: "zhangsan")) }, inReplyTo: nil, at: now, in: db)
        }
        let claim = try await store.claimDue(now: now, limit: 4, budget: OutboxMemberBudget())
        #expect(claim.records.isEmpty)
        #expect(claim.held.count == 1)
        #expect(claim.held.first?.hold == OutboxMemberBudget.Hold(until: now.addingTimeInterval(60), members: ["zhangsan"]))
        #expect(claim.held.first?.merged == OutboxDigest.Outcome(mergedRows: 5, digests: 3))
        let rows = try await database.writer.read { db in try OutboxRecord.order(Column("id")).fetchAll(db) }
        func text(_ row: OutboxRecord) throws -> String? {
            guard case .message(let message) = try row.item(), case .text(let text) = message.body else { return nil }
            return text
        }
        #expect(
            try rows.map(text) == [
                "A", "B\n\nC", "C", nil, "D\n\nE\n\nF", "E", "F", nil, "1" + long + "\n\n2" + long, "3" + long + "\n\n4" + long,
                "3" + long, "4" + long,
            ])
        #expect(
            rows.map(\.status) == [
                .pending, .pending, .merged, .pending, .pending, .merged, .merged, .pending, .pending, .pending, .merged, .merged,
            ])
        #expect(
            rows.map(\.digestID) == [
                nil, rows[1].id, rows[1].id, nil, rows[4].id, rows[4].id, rows[4].id, nil, rows[8].id, rows[8].id, rows[8].id,
                rows[8].id,
            ])
        // The head that may have arrived is held as it is, and goes first when the minute has passed.
        #expect(rows[0].nextAttemptAt == now.addingTimeInterval(60))
        #expect(try await store.nextDue() == now.addingTimeInterval(60))
        let later = try await store.claimDue(now: now.addingTimeInterval(60), limit: 4, budget: OutboxMemberBudget())
        #expect(later.records.map(\.id) == [rows[0].id])
        #expect(later.held.isEmpty)
    }

    @Test(
        "A message to several members that may have arrived waits, whole, for all of them; a send WeCom refused with an errcode stops counting"
    )
    func multiMemberLanesAndRefunds() async throws {
        let now = ManualWallClock().now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            for index in 1...28 {
                try OutboxMemberBudget.record(["lisi"], outboxID: Int64(10_000 + index), attempt: 0, at: now, in: db)
            }
            // Resent after a crash: only the very same request lets WeCom drop it if it had arrived.
            var resend = try OutboxRecord(
                inboxID: nil, message: OutgoingMessage(toUsers: ["zhangsan", "lisi"], body: .text("群发 1")), now: now)
            resend.duplicateCheck = true
            try resend.insert(db)
            try store.enqueue(
                (2...3).map { OutboxItem.message(OutgoingMessage(toUsers: ["zhangsan", "lisi"], body: .text("群发 \($0)"))) }
                    + [.message(.text("你好", to: "wangwu")), .message(.text("再见", to: "wangwu"))], inReplyTo: nil, at: now,
                in: db)
        }
        let claim = try await store.claimDue(now: now, limit: 4, budget: OutboxMemberBudget())
        #expect(claim.held.map(\.lane) == ["zhangsan|lisi"])
        #expect(claim.held.first?.hold.members == ["lisi"])
        #expect(claim.held.first?.merged == OutboxDigest.Outcome())
        #expect(claim.splits.isEmpty)
        let wangwu = try #require(claim.records.first)
        #expect(claim.records.count == 1 && wangwu.userID == "wangwu")
        func counted(_ member: String) async throws -> Int? {
            try await database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_member_send WHERE member = ?", arguments: [member])
            }
        }
        #expect(try await counted("wangwu") == 1)
        #expect(try await counted("zhangsan") == 0)
        // WeCom answered -1: it delivered nothing.
        try await store.scheduleRetry(try #require(wangwu.id), at: now, errcode: -1, error: "busy", mayHaveArrived: false)
        #expect(try await counted("wangwu") == 0)
        // A timeout: it may have arrived, so it keeps counting.
        let again = try await store.claimDue(now: now, limit: 4, budget: OutboxMemberBudget())
        #expect(again.records.map(\.id) == [wangwu.id])
        try await store.scheduleRetry(try #require(wangwu.id), at: now, errcode: nil, error: "timeout", mayHaveArrived: true)
        #expect(try await counted("wangwu") == 1)
        // The checked resend replaces nothing of it and is counted as its own attempt.
        _ = try await store.claimDue(now: now, limit: 4, budget: OutboxMemberBudget())
        try await store.markSent(try #require(wangwu.id), weComMessageID: "m1", responseCode: nil, now: now.addingTimeInterval(2))
        #expect(try await counted("wangwu") == 2)
    }

    @Test(
        "A card and texts to three members while one has the budget spent: the two get them now, the third a card of its own and a digest"
    )
    func splitForTheWaitingMember() async throws {
        let now = ManualWallClock().now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        let team = ["zhangsan", "lisi", "wangwu"]
        try await database.writer.write { db in
            for index in 1...28 {
                try OutboxMemberBudget.record(["lisi"], outboxID: Int64(10_000 + index), attempt: 0, at: now, in: db)
            }
            var card = Self.card(to: "zhangsan", task: "tkt-9")
            card.toUsers = team
            let texts = (1...3).map { OutboxItem.message(OutgoingMessage(toUsers: team, body: .text("群发 \($0)"))) }
            try store.enqueue(
                [.message(.text("李四自己的", to: "lisi")), .message(card)] + texts, inReplyTo: nil, at: now, in: db)
        }
        let claim = try await store.claimDue(now: now, limit: 10, budget: OutboxMemberBudget())
        // The card goes to the two at once; the texts wait behind it in their lane, the card's order kept.
        #expect(claim.records.map(\.id) == [2])
        #expect(claim.records.first?.userID == "zhangsan|wangwu")
        #expect(claim.splits.map(\.outboxID) == [2, 3, 4, 5])
        #expect(claim.splits.allSatisfy { $0.outcome.kept == ["zhangsan", "wangwu"] && $0.outcome.shares == ["lisi"] })
        #expect(claim.splits.allSatisfy { $0.hold.members == ["lisi"] && $0.hold.until == now.addingTimeInterval(60) })
        let rows = try await database.writer.read { db in try OutboxRecord.order(Column("id")).fetchAll(db) }
        func message(_ row: OutboxRecord) throws -> OutgoingMessage? {
            guard case .message(let message) = try row.item() else { return nil }
            return message
        }
        #expect(
            rows.map(\.userID) == ["lisi"] + Array(repeating: "zhangsan|wangwu", count: 4) + Array(repeating: "lisi", count: 4))
        #expect(try rows[1...4].allSatisfy { try message($0)?.toUsers == ["zhangsan", "wangwu"] })
        // What each row was queued with is kept.
        #expect(
            try rows[1...4].allSatisfy {
                try JSONDecoder().decode(OutboxItem.self, from: Data(($0.originalPayload ?? "").utf8)).lane
                    == "zhangsan|lisi|wangwu"
            })
        // lisi's share of the card is a card of its own (WeCom refuses a task id twice); her shares of the
        // texts are one digest, behind her own text, which waits for her minute.
        let share = try #require(try message(rows[5]))
        guard case .templateCard(let card) = share.body else {
            Issue.record("lisi's share of the card is not a card")
            return
        }
        #expect(card.taskID == "tkt-9-s1")
        #expect(rows[5].taskID == "tkt-9-s1")
        #expect(rows[5].splitFrom == 2)
        #expect(try message(rows[6])?.body == .text("群发 1\n\n群发 2\n\n群发 3"))
        #expect(rows[6...8].map(\.splitFrom) == [3, 4, 5])
        #expect(rows[6...8].map(\.digestID) == [rows[6].id, rows[6].id, rows[6].id])
        #expect(rows[6...8].map(\.status) == [.pending, .merged, .merged])
        #expect(rows[0].status == .pending && rows[0].nextAttemptAt == now.addingTimeInterval(60))

        // The card sent: the texts go to the two, one after the other.
        try await store.markSent(2, weComMessageID: "m2", responseCode: "rc2", now: now)
        let next = try await store.claimDue(now: now, limit: 10, budget: OutboxMemberBudget())
        #expect(next.records.map(\.id) == [3])
        // lisi's minute passes: her own text first, then her card and her digest.
        try await store.markSent(3, weComMessageID: "m3", responseCode: nil, now: now)
        let later = now.addingTimeInterval(60)
        var order: [Int64] = []
        for _ in 1...6 {
            let claimed = try await store.claimDue(now: later, limit: 10, budget: OutboxMemberBudget())
            for record in claimed.records {
                order.append(try #require(record.id))
                try await store.markSent(try #require(record.id), weComMessageID: nil, responseCode: nil, now: later)
            }
        }
        #expect(order.filter { [1, 6, 7].contains($0) } == [1, 6, 7])
        #expect(order.filter { [4, 5].contains($0) } == [4, 5])
        let counted = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_member_send WHERE member = 'lisi' AND outbox_id < 10000")
        }
        #expect(counted == 3)
    }

    @Test(
        "A ticket offer to a whole team while its lead has the budget spent: the members get it at once, the lead when the minute has passed"
    )
    func offerWhileLeadIsSpent() async throws {
        let clock = ManualWallClock()
        let start = clock.now()
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        let team = ["zhangsan", "wangwu", "lisi"]
        try await database.writer.write { db in
            // lisi leads every team: 28 notices this minute already.
            try store.enqueue(
                (1...28).map { OutboxItem.message(.text("通知 \($0)", to: "lisi")) }, inReplyTo: nil, at: start, in: db)
        }
        let signal = WorkSignal()
        try await FakeWeComServer.with { wecom in
            await wecom.state.useClock { clock.now() }
            await wecom.state.enforceMemberLimit()
            try await running(worker(store, wecom, signal: signal, clock: clock)) {
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.messageCount(to: "lisi") == 28 })
                let offer = OutgoingMessage(toUsers: team, body: Self.card(to: "zhangsan", task: "tkt-1002").body)
                try await database.writer.write { db in
                    try store.enqueue(
                        [.message(offer), .message(OutgoingMessage(toUsers: team, body: .text("工单 #1002 的详情")))],
                        inReplyTo: nil, at: clock.now(), in: db)
                }
                await signal.notify()
                // The two members get the card and the case now, while lisi's minute is spent.
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.messageCount(to: "zhangsan|wangwu") == 2 })
                #expect(await wecom.state.messageCount(to: "lisi") == 28)
                clock.advance(by: 60)
                await signal.notify()
                #expect(try await settled(database.writer))
            }
            let forTwo = await wecom.state.sent.filter { $0.touser == "zhangsan|wangwu" }
            #expect(forTwo.first?.card?.taskID == "tkt-1002")
            #expect(forTwo.last?.content == "工单 #1002 的详情")
            #expect(await wecom.state.cards(to: "lisi").map(\.taskID) == ["tkt-1002-s1"])
            #expect(await wecom.state.texts(to: "lisi").last == "工单 #1002 的详情")
            #expect(await wecom.state.droppedOverLimit.isEmpty)
            #expect(await wecom.state.repeatedTaskIDs.isEmpty)
            #expect(await wecom.state.deliveryTimes(to: "zhangsan") == [start, start])
        }
    }

    @Test("Digests pack whole texts in order within 2048 bytes; a text too long alone is cut")
    func packing() {
        #expect(OutboxDigest.pack(["一", "二", "三"]) == ["一\n\n二\n\n三"])
        let kilobyte = String(repeating: "a", count: 1023)
        #expect(OutboxDigest.pack([kilobyte, kilobyte, kilobyte]) == [kilobyte + "\n\n" + kilobyte, kilobyte])
        let huge = String(repeating: "b", count: 3000)
        let parts = OutboxDigest.pack(["x", huge])
        #expect(parts.allSatisfy { $0.utf8.count <= OutgoingMessage.maxTextBytes })
        #expect(parts.joined().replacingOccurrences(of: "\n\n", with: "") == "x" + huge)
    }

    @Test("outbox.perMemberPerMinute and outbox.perMemberPerHour: shipped defaults and overrides")
    func settings() throws {
        let shipped = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(shipped.outbox.memberBudget == OutboxMemberBudget(perMinute: 28, perHour: 950))
        let data = try TemporaryDirectory()
        try "outbox:\n  perMemberPerMinute: 10\n  perMemberPerHour: 0\n".write(
            to: data.url.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
        let custom = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": data.url.path])
        #expect(custom.outbox.memberBudget == OutboxMemberBudget(perMinute: 10, perHour: 1))
    }
}

private let testLogger: Logger = {
    var logger = Logger(label: "OutboxRateLimitTests")
    logger.logLevel = .critical
    return logger
}()

/// A worker on `store` sending to the fake, on `clock`, with one attempt per call.
private func worker(
    _ store: any OutboxStore, _ wecom: FakeWeComServer, signal: WorkSignal = WorkSignal(), clock: ManualWallClock,
    budget: OutboxMemberBudget = OutboxMemberBudget()
) -> OutboxWorker {
    var settings = OutboxSettings()
    settings.initialBackoff = .milliseconds(50)
    settings.maxBackoff = .milliseconds(100)
    settings.memberBudget = budget
    let client = WeComAPIClient(
        configuration: WeComAPIConfiguration(
            baseURL: wecom.baseURL, corpID: TestWeCom.corpID, agentID: TestWeCom.agentID, secret: "fake-secret",
            retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: .seconds(10)),
        logger: testLogger)
    return OutboxWorker(
        store: store, sender: client, settings: settings, signal: signal, metrics: ServerMetrics(), logger: testLogger,
        now: { clock.now() })
}

/// Waits until every row of the outbox in `writer` is done: sent, failed or merged into a digest.
private func settled(_ writer: any DatabaseWriter) async throws -> Bool {
    try await eventually(timeout: .seconds(30)) {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('sent', 'failed', 'merged')")
        } == 0
    }
}

private func mergedCount(_ writer: any DatabaseWriter) async throws -> Int {
    try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'merged'") ?? 0 }
}
