import FakeWeCom
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WeComAdapter

@testable import BotServer

@Suite("The outbox: lanes, idling, exactly once across a crash, graceful shutdown")
struct OutboxTests {
    private let fixture = TestWeCom.fixture

    @Test("After an outage (HTTP 503) every associate's answers go out once, in their order")
    func orderAfterOutage() async throws {
        try await withLiveServer(prepare: { wecom, _ in
            await wecom.state.inject(.httpStatus(503), on: "/cgi-bin/message/send", count: 15)
        }) { client, wecom, dataURL in
            let users = ["zhangsan", "lisi", "wangwu"]
            for (index, user) in users.enumerated() {
                try await client.post(try fixture.text(from: user, "调拨单在哪查", msgID: UInt64(20_000 + index * 2)))
                try await client.post(try fixture.image(from: user, msgID: UInt64(20_001 + index * 2)))
            }
            let delivered = await eventually(timeout: .seconds(15)) {
                var all = true
                for user in users where await wecom.state.texts(to: user).count < 2 { all = false }
                return all
            }
            #expect(delivered)
            #expect(
                await databaseEventually(
                    dataURL, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", is: 6, timeout: .seconds(15)))
            try await Task.sleep(for: .milliseconds(300))
            for user in users {
                let texts = await wecom.state.texts(to: user)
                #expect(texts.count == 2, "\(user): \(texts)")
                #expect(texts.first?.contains("调拨单查询") == true)
                #expect(texts.last?.contains("文字") == true)
            }
            #expect(await wecom.state.droppedDuplicates.isEmpty)
        }
    }

    @Test("One associate's hanging send does not delay another associate's answer")
    func hangingSendBlocksOnlyItsAssociate() async throws {
        try await withLiveServer(
            prepare: { wecom, _ in await wecom.state.delaySends(to: "zhangsan", by: .seconds(5)) },
            adjust: { $0.outbox.apiRetry.requestTimeout = .seconds(10) }
        ) { client, wecom, _ in
            try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 21_001))
            // zhangsan's answer is now with WeCom, which takes 5 s to answer it.
            try #require(await eventually(timeout: .seconds(30)) { await wecom.state.sendAttempts == 1 })
            try await client.post(try fixture.text(from: "lisi", "调拨单在哪查", msgID: 21_002))
            #expect(await eventually(timeout: .seconds(20)) { await wecom.state.texts(to: "lisi").count == 1 })
            // lisi's answer went out while zhangsan's send was still hanging.
            #expect(await wecom.state.texts(to: "zhangsan").isEmpty)
            #expect(await wecom.state.sendsInFlight == 1)
            #expect(await eventually(timeout: .seconds(30)) { await wecom.state.texts(to: "zhangsan").count == 1 })
        }
    }

    @Test("At most outbox.concurrency sends are under way, one per associate, each associate's in order")
    func boundedLanes() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let users = ["zhangsan", "lisi", "wangwu"]
        try await database.writer.write { db in
            for position in 1...3 {
                for user in users {
                    var record = try OutboxRecord(inboxID: nil, message: .text("\(user) \(position)", to: user), now: Date())
                    try record.insert(db)
                }
            }
        }
        var settings = OutboxSettings()
        settings.concurrency = 2
        try await FakeWeComServer.with { wecom in
            for user in users { await wecom.state.delaySends(to: user, by: .milliseconds(100)) }
            let worker = OutboxWorker(
                store: DatabaseOutboxStore(writer: database.writer), sender: sender(wecom), settings: settings,
                signal: WorkSignal(), metrics: ServerMetrics(), logger: testLogger)
            try await running(worker) {
                #expect(await eventually(timeout: .seconds(15)) { await wecom.state.sent.count == 9 })
            }
            // Never more than two at once (a loaded machine may not overlap them at all).
            #expect((1...2).contains(await wecom.state.maxSendsInFlight))
            for user in users {
                #expect(await wecom.state.texts(to: user) == (1...3).map { "\(user) \($0)" })
            }
        }
    }

    @Test("outbox.concurrency and outbox.shutdownDeadlineSeconds: shipped defaults and overrides")
    func settings() throws {
        let shipped = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(shipped.outbox.concurrency == 32)
        #expect(shipped.outbox.shutdownDeadline == .seconds(5))
        let data = try TemporaryDirectory()
        try "outbox:\n  concurrency: 4\n  shutdownDeadlineSeconds: 1.5\n".write(
            to: data.url.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
        let custom = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": data.url.path])
        #expect(custom.outbox.concurrency == 4)
        #expect(custom.outbox.shutdownDeadline == .milliseconds(1500))
    }

    @Test("A backlog whose lane heads wait for a retry costs a few queries, not a busy loop")
    func idleDuringOutage() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let now = Date()
        // 20,000 replies to 1,000 associates: each head was tried and waits an hour; the rows behind
        // them are long overdue but cannot go before their head.
        let payload = try OutboxRecord(inboxID: nil, message: .text("稍后回复", to: "user0"), now: now).payload
        try await database.writer.write { db in
            // One statement, so that the backlog takes milliseconds to build: rows 0..<1000 are the heads.
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
                    INSERT INTO outbox (user_id, payload, status, attempts, next_attempt_at, created_at)
                    SELECT 'user' || (i % 1000), ?, ?, CASE WHEN i < 1000 THEN 5 ELSE 0 END,
                        CASE WHEN i < 1000 THEN ? ELSE ? END, ? FROM n
                    """,
                arguments: [
                    payload, OutboxRecord.Status.pending, now.addingTimeInterval(3600), now.addingTimeInterval(-600),
                    now.addingTimeInterval(-600),
                ])
        }
        #expect(try await database.writer.read { db in try OutboxRecord.fetchCount(db) } == 20_000)
        let store = CountingOutboxStore(base: DatabaseOutboxStore(writer: database.writer))
        #expect(try await store.base.nextDue().map { $0.timeIntervalSince(now) } ?? 0 > 3500)
        try await FakeWeComServer.with { wecom in
            let worker = OutboxWorker(
                store: store, sender: sender(wecom), settings: OutboxSettings(), signal: WorkSignal(),
                metrics: ServerMetrics(), logger: testLogger)
            try await running(worker) {
                try await Task.sleep(for: .seconds(1))
            }
            #expect(store.calls < 5, "the worker queried the outbox \(store.calls) times in 1 s")
            #expect(await wecom.state.sendAttempts == 0)
        }
    }

    @Test("New replies wake an idle worker at once")
    func notifiedWhileIdle() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let signal = WorkSignal()
        try await FakeWeComServer.with { wecom in
            let worker = OutboxWorker(
                store: DatabaseOutboxStore(writer: database.writer), sender: sender(wecom), settings: OutboxSettings(),
                signal: signal, metrics: ServerMetrics(), logger: testLogger)
            try await running(worker) {
                try await Task.sleep(for: .milliseconds(200))
                try await database.writer.write { db in
                    var record = try OutboxRecord(inboxID: nil, message: .text("您好", to: "lisi"), now: Date())
                    try record.insert(db)
                }
                await signal.notify()
                let start = ContinuousClock.now
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.texts(to: "lisi") == ["您好"] })
                // Without the notification it would wait for its 5 s cap (idle since about 0.2 s before the
                // notification); a loaded machine may take a few seconds to send, but not the cap.
                #expect(ContinuousClock.now - start < OutboxWorker.maximumIdleWait - .milliseconds(500))
            }
        }
    }

    @Test("Rows a crash left sending are resent with WeCom's duplicate check and arrive once")
    func crashResend() async throws {
        let arrived = "调拨单在 ERP 的库存管理里查。"
        let lost = "退货请在 POS 里选退货单。"
        let next = "还有别的问题吗？"
        try await withLiveServer(prepare: { wecom, data in
            // The process was killed with two sends under way: zhangsan's had reached WeCom, lisi's had not.
            try await sender(wecom).send(.text(arrived, to: "zhangsan"), duplicateCheck: nil)
            let database = try AppDatabase.open(in: data)
            try await database.writer.write { db in
                for (text, user) in [(arrived, "zhangsan"), (lost, "lisi"), (next, "zhangsan")] {
                    var record = try OutboxRecord(inboxID: nil, message: .text(text, to: user), now: Date())
                    if text != next {
                        record.status = .sending
                        record.startedAt = Date()
                    }
                    try record.insert(db)
                }
            }
        }) { _, wecom, dataURL in
            #expect(
                await databaseEventually(
                    dataURL, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", is: 3, timeout: .seconds(15)))
            #expect(await wecom.state.texts(to: "zhangsan") == [arrived, next])
            #expect(await wecom.state.texts(to: "lisi") == [lost])
            let dropped = await wecom.state.droppedDuplicates
            #expect(dropped.map(\.content) == [arrived])
            #expect(dropped.first?.json["duplicate_check_interval"] as? Int == 1800)
            let sent = await wecom.state.sent
            // The resend carried the check; the ordinary send after it did not.
            #expect(sent.first { $0.content == lost }?.json["enable_duplicate_check"] as? Int == 1)
            #expect(sent.first { $0.content == next }?.json["enable_duplicate_check"] == nil)
        }
    }

    @Test("Graceful shutdown takes no new rows and cancels a hanging send at its deadline; the next start resends it checked")
    func gracefulShutdown() async throws {
        let data = try TemporaryDirectory()
        let database = try AppDatabase.open(in: data.url)
        try await database.writer.write { db in
            var record = try OutboxRecord(inboxID: nil, message: .text("请稍等", to: "zhangsan"), now: Date())
            try record.insert(db)
        }
        var settings = OutboxSettings()
        settings.shutdownDeadline = .milliseconds(300)
        try await FakeWeComServer.with { wecom in
            await wecom.state.delaySends(to: "zhangsan", by: .seconds(10))
            let worker = OutboxWorker(
                store: DatabaseOutboxStore(writer: database.writer),
                sender: sender(wecom, timeout: .seconds(20)), settings: settings, signal: WorkSignal(),
                metrics: ServerMetrics(), logger: testLogger)
            let group = ServiceGroup(services: [worker], logger: testLogger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try #require(await eventually(timeout: .seconds(15)) { await wecom.state.sendAttempts == 1 })
                let start = ContinuousClock.now
                await group.triggerGracefulShutdown()
                // A reply queued now is left for the next start.
                try await database.writer.write { db in
                    var record = try OutboxRecord(inboxID: nil, message: .text("新消息", to: "lisi"), now: Date())
                    try record.insert(db)
                }
                try await tasks.waitForAll()
                #expect(ContinuousClock.now - start < .seconds(3))
            }
        }
        #expect(databaseValue(data.url, "SELECT status FROM outbox WHERE user_id = 'zhangsan'", as: String.self) == "sending")
        #expect(databaseValue(data.url, "SELECT status FROM outbox WHERE user_id = 'lisi'", as: String.self) == "pending")
        try await FakeWeComServer.with { wecom in
            let worker = OutboxWorker(
                store: DatabaseOutboxStore(writer: database.writer), sender: sender(wecom), settings: settings,
                signal: WorkSignal(), metrics: ServerMetrics(), logger: testLogger)
            try await running(worker) {
                #expect(await eventually(timeout: .seconds(15)) { await wecom.state.sent.count == 2 })
            }
            let sent = await wecom.state.sent
            #expect(sent.first { $0.touser == "zhangsan" }?.json["enable_duplicate_check"] as? Int == 1)
            #expect(sent.first { $0.touser == "lisi" }?.json["enable_duplicate_check"] == nil)
        }
    }
}

private let testLogger: Logger = {
    var logger = Logger(label: "OutboxTests")
    logger.logLevel = .warning
    return logger
}()

/// A WeCom client for the fake, one attempt per call.
private func sender(_ wecom: FakeWeComServer, timeout: Duration = .seconds(2)) -> WeComAPIClient {
    WeComAPIClient(
        configuration: WeComAPIConfiguration(
            baseURL: wecom.baseURL, corpID: TestWeCom.corpID, agentID: TestWeCom.agentID, secret: "fake-secret",
            retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: timeout),
        logger: testLogger)
}

/// The database outbox, counting how often the worker asks it anything (also used by
/// `OutboxRateLimitTests`).
final class CountingOutboxStore: OutboxStore {
    let base: DatabaseOutboxStore
    private let count = Mutex(0)

    init(base: DatabaseOutboxStore) { self.base = base }

    var calls: Int { count.withLock { $0 } }

    private func counted<T>(_ call: () async throws -> T) async rethrows -> T {
        count.withLock { $0 += 1 }
        return try await call()
    }

    func enqueue(_ items: [OutboxItem], inReplyTo inboxID: Int64?, at now: Date, in db: Database) throws {
        try base.enqueue(items, inReplyTo: inboxID, at: now, in: db)
    }
    func recoverInterrupted() async throws -> Int { try await counted { try await base.recoverInterrupted() } }
    func claimDue(now: Date, limit: Int, budget: OutboxMemberBudget) async throws -> OutboxClaim {
        try await counted { try await base.claimDue(now: now, limit: limit, budget: budget) }
    }
    func nextDue() async throws -> Date? { try await counted { try await base.nextDue() } }
    func markSent(_ outboxID: Int64, weComMessageID: String?, responseCode: String?, now: Date) async throws {
        try await counted {
            try await base.markSent(outboxID, weComMessageID: weComMessageID, responseCode: responseCode, now: now)
        }
    }
    func scheduleRetry(_ outboxID: Int64, at: Date, errcode: Int?, error: String, mayHaveArrived: Bool) async throws {
        try await counted {
            try await base.scheduleRetry(outboxID, at: at, errcode: errcode, error: error, mayHaveArrived: mayHaveArrived)
        }
    }
    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws {
        try await counted { try await base.markFailed(outboxID, errcode: errcode, error: error) }
    }
}
