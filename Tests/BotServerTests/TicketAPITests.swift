import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WeComAdapter

@testable import BotServer

/// The ticket API's actions do what the same commands do in WeCom: their messages go out at once,
/// claims and first replies are timed, and a retried POST with the same `Idempotency-Key` does nothing
/// twice.
@Suite("Ticket API actions: sent at once, timed, safe to retry")
struct TicketAPITests {
    private static let headers: HTTPFields = [.authorization: "Bearer bench-token", .contentType: "application/json"]

    /// The ticket routes on a router of their own, over `bench`, with the outbox worker sending to
    /// `wecom` and `metrics` recording.
    private static func withTicketAPI(
        _ bench: TicketBench, signal: WorkSignal, wecom: FakeWeComServer, metrics: ServerMetrics, clock: ManualWallClock,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "TicketAPITests")
        logger.logLevel = .critical
        let client = WeComAPIClient(
            configuration: WeComAPIConfiguration(
                baseURL: wecom.baseURL, corpID: TestWeCom.corpID, agentID: TestWeCom.agentID, secret: "fake-secret",
                retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: .seconds(2)),
            logger: logger)
        let worker = OutboxWorker(
            store: bench.transaction.outbox, sender: client, settings: OutboxSettings(), signal: signal, metrics: metrics,
            logger: logger, now: { clock.now() })
        let router = Router(context: AppRequestContext.self)
        let directory = DirectoryCache(
            database: bench.database.writer, lookup: nil, settings: DirectorySettings(), logger: logger)
        TicketController(
            database: bench.database.writer, transaction: bench.transaction, directory: directory, clock: clock, metrics: metrics
        )
        .addRoutes(to: router.group("api/v1").add(middleware: AdminAuthMiddleware(token: "bench-token")))
        let app = Application(router: router, logger: logger)
        try await running(worker) {
            try await app.test(.router, test)
        }
    }

    private static func post(
        _ client: any TestClientProtocol, _ path: String, _ body: String, key: String? = nil
    ) async throws -> TestResponse {
        var headers = Self.headers
        if let key { headers[IdempotencyKey.header] = key }
        return try await client.execute(
            uri: "/api/v1/tickets/1001/" + path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("A reply through the API reaches the associate at once, not at the idle worker's next look")
    func wakesTheOutbox() async throws {
        let signal = WorkSignal()
        let bench = try TicketBench(outboxSignal: signal)
        let clock = ManualWallClock(TicketBench.morning)
        try await bench.openTicket(at: clock.now())
        try await FakeWeComServer.with { wecom in
            await wecom.state.addUsers(hqAgentMembers())
            try await Self.withTicketAPI(bench, signal: signal, wecom: wecom, metrics: ServerMetrics(), clock: clock) { client in
                // The offer goes out; then the worker has nothing to do and sleeps (up to 5 s).
                #expect(await eventually { await wecom.state.cards(to: "hq_amy|hq_bob|hq_cai").count == 1 })
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                #expect(try await Self.post(client, "reply", #"{"agent": "hq_amy", "text": "马上处理"}"#).status == .ok)
                let relayed = await eventually(timeout: .seconds(2)) {
                    await wecom.state.texts(to: "wangwu").contains("【#1001 华南区营运支持 hq_amy】马上处理")
                }
                #expect(relayed, "the relay took \(ContinuousClock.now - started)")
            }
        }
    }

    @Test("A claim and a first reply through the API are timed like those in WeCom")
    func timed() async throws {
        let signal = WorkSignal()
        let bench = try TicketBench(outboxSignal: signal)
        let clock = ManualWallClock(TicketBench.morning)
        try await bench.openTicket(at: clock.now())
        let metrics = ServerMetrics()
        try await FakeWeComServer.with { wecom in
            try await Self.withTicketAPI(bench, signal: signal, wecom: wecom, metrics: metrics, clock: clock) {
                client async throws in
                clock.advance(by: 120)
                #expect(try await Self.post(client, "claim", #"{"agent": "hq_bob"}"#).status == .ok)
                clock.advance(by: 180)
                #expect(try await Self.post(client, "reply", #"{"agent": "hq_bob", "text": "您好"}"#).status == .ok)
                clock.advance(by: 60)
                #expect(try await Self.post(client, "reply", #"{"agent": "hq_bob", "text": "还有吗"}"#).status == .ok)
            }
        }
        let text = metrics.exposition()
        #expect(text.contains(#"storedesk_ticket_time_to_claim_seconds_count{team="south-ops"} 1"#))
        #expect(text.contains(#"storedesk_ticket_time_to_claim_seconds_sum{team="south-ops"} 120"#))
        #expect(text.contains(#"storedesk_ticket_time_to_first_reply_seconds_count{team="south-ops"} 1"#))
        #expect(text.contains(#"storedesk_ticket_time_to_first_reply_seconds_sum{team="south-ops"} 300"#))
    }

    @Test("A retried reply with the same Idempotency-Key relays once; the same key for another request is refused")
    func idempotent() async throws {
        let signal = WorkSignal()
        let bench = try TicketBench(outboxSignal: signal)
        let clock = ManualWallClock(TicketBench.morning)
        try await bench.openTicket(at: clock.now())
        try await FakeWeComServer.with { wecom in
            try await Self.withTicketAPI(bench, signal: signal, wecom: wecom, metrics: ServerMetrics(), clock: clock) { client in
                let reply = #"{"agent": "hq_amy", "text": "已安排"}"#
                let first = try await Self.post(client, "reply", reply, key: "retry-1")
                #expect(first.status == .ok)
                #expect(first.headers[IdempotencyKey.replayedHeader] == nil)
                // The client got no answer and tries again, twice.
                for _ in 1...2 {
                    let again = try await Self.post(client, "reply", reply, key: "retry-1")
                    #expect(again.status == .ok)
                    #expect(again.headers[IdempotencyKey.replayedHeader] == "true")
                    let replies = (jsonObject(again)["timeline"] as? [[String: Any]] ?? []).filter {
                        $0["kind"] as? String == "replied"
                    }
                    #expect(replies.count == 1)
                }
                let reused = try await Self.post(client, "reply", #"{"agent": "hq_amy", "text": "另一条"}"#, key: "retry-1")
                #expect(reused.status == .unprocessableContent)
                #expect(String(buffer: reused.body).contains("Idempotency-Key"))
                #expect(try await Self.post(client, "reply", reply, key: " ").status == .badRequest)
                #expect(
                    try await Self.post(client, "reply", reply, key: String(repeating: "k", count: 256)).status == .badRequest)
                // Without a key, or with a new one, a request is a new request.
                #expect(try await Self.post(client, "reply", reply, key: "retry-2").status == .ok)
                #expect(try await Self.post(client, "note", #"{"agent": "hq_amy", "text": "内部"}"#).status == .ok)
                #expect(
                    await eventually {
                        await wecom.state.texts(to: "wangwu").filter { $0.hasSuffix("已安排") }.count == 2
                    })
                try await Task.sleep(for: .milliseconds(200))
                #expect(await wecom.state.texts(to: "wangwu").filter { $0.hasSuffix("已安排") }.count == 2)
            }
        }
        let kinds = try await bench.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM ticket_event WHERE ticket = 1001 ORDER BY id")
        }
        #expect(kinds.filter { $0 == "replied" }.count == 2)
        // A day later the key is forgotten.
        clock.advance(by: 86400 + 1)
        let key = try IdempotencyKey(key: "retry-1", action: "reply", ticket: TicketNumber(1001), agent: "hq_amy", text: "已安排")
        #expect(try await bench.database.writer.read { db in try key.wasUsed(now: clock.now(), in: db) } == false)
    }

    @Test("Through buildApplication: an API reply is relayed at once and the claim is timed in /metrics")
    func wiredInTheApplication() async throws {
        let clock = ManualWallClock(TicketFlowTests.morning)
        try await withLiveServer(prepare: { wecom, _ in await TicketFlowTests.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            try await client.post(try TestWeCom.fixture.text(from: "zhangsan", "转人工", msgID: 94001))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            // east-north offers a ticket to one member: Bob, the first with the fewest tickets.
            #expect(await eventually { await wecom.state.cards(to: "hq_bob").count == 1 })
            try await Task.sleep(for: .milliseconds(300))
            let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]
            let reply = try await client.execute(
                uri: "/api/v1/tickets/1001/reply", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"agent": "hq_bob", "text": "请问是什么问题？"}"#))
            #expect(reply.status == .ok)
            #expect(
                await eventually(timeout: .seconds(2)) {
                    await wecom.state.texts(to: "zhangsan").contains("【#1001 华东华北区支持 Bob】请问是什么问题？")
                })
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"storedesk_ticket_time_to_claim_seconds_count{team="east-north"} 1"#))
            #expect(metrics.contains(#"storedesk_ticket_time_to_first_reply_seconds_count{team="east-north"} 1"#))
        }
    }
}
