import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BotServer

/// SLAs through the server: the scheduler's warnings and breaches reach WeCom and /metrics, the API's
/// `breaching` filter, `wait` and `reopen`, the effective routing, and a restart that repeats nothing.
@Suite("Ticket SLAs through the server")
struct TicketSLATests {
    /// Wednesday 2026-12-02 10:00 in Shanghai.
    static let wednesday = Date(timeIntervalSince1970: 1_796_176_800)
    static let logger = Logger(label: "TicketSLATests")
    static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]

    static func post(_ client: any TestClientProtocol, _ path: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: auth, body: ByteBuffer(string: body))
    }

    static func numbers(_ client: any TestClientProtocol, _ query: String) async throws -> [Int] {
        let response = try await client.execute(uri: "/api/v1/tickets?\(query)", method: .get, headers: auth)
        return (jsonObject(response)["tickets"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int }
    }

    @Test("A claim left unanswered: warned at 80%, breached to the holder and the lead, listed as breaching; wait and reopen")
    func warningBreachWaitReopen() async throws {
        let clock = ManualWallClock(Self.wednesday)
        try await withLiveServer(
            prepare: { wecom, _ in await TicketFlowTests.addPeople(wecom) },
            adjust: {
                $0.ticketSweepInterval = .milliseconds(50)
                $0.escalation.timers.unresponsiveAfter = .hours(8)
            }, clock: clock
        ) { client, wecom, dataURL in
            // 张三 of 华东区: east-north offers to one member, Bob.
            try await client.post(try TestWeCom.fixture.text(from: "zhangsan", "转人工", msgID: 95001))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            #expect(await eventually { await wecom.state.cards(to: "hq_bob").count == 1 })
            #expect(try await Self.post(client, "/api/v1/tickets/1001/claim", #"{"agent": "hq_bob"}"#).status == .ok)
            #expect(try await Self.numbers(client, "breaching=soon").isEmpty)

            // 96 working minutes later: 80% of the 2 working hours.
            clock.advance(by: 96 * 60)
            #expect(await eventually { await wecom.state.texts(to: "hq_bob").contains { $0.contains("首次响应时限快到了") } })
            #expect(try await Self.numbers(client, "breaching=soon") == [1001])
            #expect(try await Self.numbers(client, "breaching=now").isEmpty)

            clock.advance(by: 24 * 60)
            // To the holder and the lead, in one message.
            #expect(
                await eventually { await wecom.state.texts(to: "hq_bob|hq_cai").contains { $0.contains("已超出首次响应时限") } })
            #expect(try await Self.numbers(client, "breaching=now") == [1001])
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(
                metrics.contains(
                    #"storedesk_sla_breaches_total{team="east-north",priority="normal",target="first_response"} 1"#))

            // 等待 through the API: the store is asked, the first response is settled late, the SLA pauses.
            let waited = try await Self.post(client, "/api/v1/tickets/1001/wait", #"{"agent": "hq_bob", "text": "请发一下截图"}"#)
            #expect(waited.status == .ok)
            let ticket = jsonObject(waited)["ticket"] as? [String: Any] ?? [:]
            #expect(ticket["status"] as? String == "waiting")
            let sla = ticket["sla"] as? [String: Any] ?? [:]
            let first = sla["first_response"] as? [String: Any] ?? [:]
            #expect(first["met"] as? Bool == false)
            #expect(first["minutes"] as? Int == 120)
            // No resolution due time while the store is asked.
            let resolution = try #require(sla["resolution"] as? [String: Any])
            #expect(resolution["due_at"] == nil)
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").contains { $0.contains("需要您补充：请发一下截图") } })
            let afterWait = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(
                afterWait.contains(
                    #"storedesk_sla_total{team="east-north",priority="normal",target="first_response",met="no"} 1"#))

            // The associate answers: the SLA runs again.
            try await client.post(try TestWeCom.fixture.text(from: "zhangsan", "截图发了", msgID: 95002))
            #expect(await eventually { await wecom.state.texts(to: "hq_bob").contains { $0.contains("门店已回复，SLA 继续计时") } })

            // Resolved, then reopened through the API.
            #expect(
                try await Self.post(client, "/api/v1/tickets/1001/resolve", #"{"agent": "hq_bob", "text": "已处理"}"#).status == .ok)
            let reopened = try await Self.post(client, "/api/v1/tickets/1001/reopen", #"{"agent": "hq_cai"}"#)
            #expect(reopened.status == .ok)
            #expect((jsonObject(reopened)["ticket"] as? [String: Any])?["status"] as? String == "assigned")
            let again = try await Self.post(client, "/api/v1/tickets/1001/reopen", #"{"agent": "hq_cai"}"#)
            #expect(again.status == .conflict)
        }
    }

    @Test("The effective routing: teams with hours, holidays and state now, rules, targets, timers and managers")
    func routing() async throws {
        let clock = ManualWallClock(Self.wednesday)
        try await withLiveServer(clock: clock) { client, _, _ in
            let response = try await client.execute(uri: "/api/v1/routing", method: .get, headers: Self.auth)
            #expect(response.status == .ok)
            let body = jsonObject(response)
            #expect(body["default_team"] as? String == "hq-service")
            let teams = body["teams"] as? [[String: Any]] ?? []
            let south = teams.first { $0["id"] as? String == "south-ops" } ?? [:]
            #expect(south["on_call"] as? [String] == ["hq_amy"])
            #expect(south["working_now"] as? Bool == true)
            #expect((south["hours"] as? [String: [String]])?["sat"] == ["10:00-12:00", "13:00-17:00"])
            let holidays = south["holidays"] as? [String: Any] ?? [:]
            let days = holidays["days"] as? [[String: Any]] ?? []
            #expect(days.contains { $0["date"] as? String == "2026-10-10" && $0["kind"] as? String == "workday" })
            let targets = body["first_response"] as? [String: [String: Any]] ?? [:]
            #expect(targets["urgent"]?["minutes"] as? Double == 10)
            #expect((body["managers"] as? [String: String])?["华南区"] == "hq_cai")
            let unauthorized = try await client.execute(uri: "/api/v1/routing", method: .get)
            #expect(unauthorized.status == .unauthorized)
        }
    }

    @Test("A restart between steps: the same due times, no notification lost and none repeated")
    func restartRepeatsNothing() async throws {
        var timers = TicketTimers()
        timers.unresponsiveAfter = .hours(8)
        let bench = try TicketBench()
        let transaction = MessageTransaction(
            database: bench.database.writer,
            escalation: EscalationSettings(routing: TicketBench.routing, timers: timers))
        let morning = Self.wednesday
        try await bench.database.writer.write { db in
            let request = TicketRequest(question: "门店促销怎么安排", reasons: [.regional], category: nil, priority: .normal)
            let opening = try transaction.desk.open(request, for: TicketBench.wangwu, categories: [], now: morning, in: db)
            try transaction.enqueue(opening.notices, inReplyTo: nil, actor: nil, now: morning, in: db)
        }
        func outboxCount() async throws -> Int {
            try await bench.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
        }
        let queuedAtOpening = try await outboxCount()
        let scheduler = TicketScheduler(
            transaction: transaction, clock: ManualWallClock(morning), metrics: ServerMetrics(), logger: Self.logger)
        let warnedAt = morning.addingTimeInterval(96 * 60)
        let ticks = try await scheduler.sweep(at: warnedAt)
        #expect(ticks.flatMap(\.fired) == [.warn(.firstResponse)])
        let queuedAfterWarning = try await outboxCount()
        #expect(queuedAfterWarning == queuedAtOpening + 1)
        let dueBefore = try await bench.database.writer.read { db in try Ticket.fetchOne(db, key: 1001) }

        // A restart: a new scheduler over the same database, at the same moment and after.
        let restarted = TicketScheduler(
            transaction: MessageTransaction(
                database: bench.database.writer,
                escalation: EscalationSettings(routing: TicketBench.routing, timers: timers)),
            clock: ManualWallClock(warnedAt), metrics: ServerMetrics(), logger: Self.logger)
        #expect(try await restarted.recomputeSchedules() == 0)
        #expect(try await restarted.sweep(at: warnedAt).flatMap(\.fired).isEmpty)
        #expect(try await outboxCount() == queuedAfterWarning)
        let dueAfter = try await bench.database.writer.read { db in try Ticket.fetchOne(db, key: 1001) }
        #expect(dueAfter == dueBefore)
        #expect(try await restarted.sweep(at: morning.addingTimeInterval(120 * 60)).flatMap(\.fired) == [.breach(.firstResponse)])
    }
}
