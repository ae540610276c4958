import FakeWeCom
import Foundation
import GRDB
import Logging
import Testing
import WeComAdapter

@testable import BotServer

@Suite("Card updates through the outbox: response codes kept, updates in lanes of their own, old rows still read")
struct CardUpdateTests {
    private static let card = OutgoingMessage(
        toUsers: ["zhangsan", "lisi"],
        body: .templateCard(
            TemplateCard(
                mainTitle: .init(title: "工单 #4711", desc: "上海南京路店"), taskID: "tkt-4711",
                buttons: [.init(text: "认领", style: 1, key: "claim:4711"), .init(text: "转派", style: 2, key: "pass:4711")])))

    @Test("The worker sends a card and keeps its response code; an update queued with it greys the card out for everyone")
    func cardThenUpdate() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        let signal = WorkSignal()
        try await database.writer.write { db in
            try store.enqueue([.message(Self.card)], inReplyTo: nil, at: Date(), in: db)
            // Not sent yet: no code to update it with.
            #expect(try CardUpdateCodes.take(card: "tkt-4711", now: Date(), in: db) == nil)
        }
        try await FakeWeComServer.with { wecom in
            try await running(worker(store, wecom, signal: signal)) {
                try #require(
                    try await eventually(timeout: .seconds(30)) {
                        try await database.writer.read { db in
                            try String.fetchOne(db, sql: "SELECT code FROM card_response_code WHERE task_id = 'tkt-4711'")
                        } != nil
                    })
                let sentCard = try #require(await wecom.state.sent.first)
                #expect(sentCard.card?.taskID == "tkt-4711")
                try await database.writer.write { db in
                    // What the ticket code does when 张三 claims: take the card's code, queue the update.
                    let code = try #require(try CardUpdateCodes.take(card: "tkt-4711", now: Date(), in: db))
                    // Taken once: spent.
                    #expect(try CardUpdateCodes.take(card: "tkt-4711", now: Date(), in: db) == nil)
                    try store.enqueue(
                        [.cardUpdate(CardUpdate(responseCode: code, atAll: true, replaceName: "张三已认领"))], inReplyTo: nil,
                        at: Date(), in: db)
                }
                await signal.notify()
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.cardUpdates.count == 1 })
                let done = try await settled(database.writer)
                #expect(done)
            }
            let update = try #require(await wecom.state.cardUpdates.first)
            #expect(update.path == "/cgi-bin/message/update_template_card")
            #expect(update.json["atall"] as? Int == 1)
            #expect(update.atAll)
            #expect(update.responseCode == "rc1")
            #expect(update.replaceName == "张三已认领")
            #expect(update.json["agentid"] as? Int == TestWeCom.agentID)
        }
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, status, task_id, response_code FROM outbox ORDER BY id")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["user_id"] == "zhangsan|lisi")
        #expect(rows[0]["task_id"] == "tkt-4711")
        #expect(rows[0]["response_code"] == "rc1")
        #expect(rows[1]["user_id"] == "card:rc1")
        #expect(rows[1]["task_id"] == String?.none)
        #expect(rows.allSatisfy { $0["status"] == "sent" })
    }

    @Test("A card update does not wait behind an associate's hanging send")
    func ownLane() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            try store.enqueue([.text("请稍等", to: "zhangsan")], inReplyTo: nil, at: Date(), in: db)
            try store.enqueue(
                [.cardUpdate(CardUpdate(responseCode: "rc-click", userIDs: ["zhangsan"], replaceName: "已认领"))],
                inReplyTo: nil, at: Date(), in: db)
        }
        try await FakeWeComServer.with { wecom in
            // The text hangs 8 s; the update must not wait for it (a loaded CI machine gets 6 s for it).
            await wecom.state.delaySends(to: "zhangsan", by: .seconds(8))
            try await running(worker(store, wecom, timeout: .seconds(15))) {
                #expect(await eventually(timeout: .seconds(6)) { await wecom.state.cardUpdates.count == 1 })
                // The update went while zhangsan's text was still with WeCom.
                #expect(await wecom.state.texts(to: "zhangsan").isEmpty)
                #expect(await eventually(timeout: .seconds(15)) { await wecom.state.texts(to: "zhangsan") == ["请稍等"] })
            }
        }
    }

    @Test("A row queued before card updates (a plain OutgoingMessage payload, no task_id column) still sends")
    func oldShapeRow() async throws {
        let queue = try DatabaseQueue()
        try AppDatabase.migrator.migrate(queue, upTo: "server.v7.question-log-json-lists")
        try await queue.write { db in
            // The payload exactly as the release before card updates wrote it.
            try db.execute(
                sql: """
                    INSERT INTO outbox (user_id, payload, status, attempts, next_attempt_at, created_at)
                    VALUES ('lisi', '{"toUsers":["lisi"],"body":{"text":{"_0":"旧的回复"}}}', 'pending', 0, ?, ?)
                    """,
                arguments: [Date(), Date()])
        }
        let database = try AppDatabase(writer: queue)
        let store = DatabaseOutboxStore(writer: database.writer)
        try await FakeWeComServer.with { wecom in
            try await running(worker(store, wecom)) {
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.texts(to: "lisi") == ["旧的回复"] })
                let done = try await settled(database.writer)
                #expect(done)
            }
        }
        #expect(try await queue.read { db in try String.fetchOne(db, sql: "SELECT status FROM outbox") } == "sent")
    }

    @Test("Payloads: a message keeps the old shape, a card update is tagged, both read back")
    func payloadShapes() throws {
        let message = try OutboxRecord(inboxID: nil, item: .message(.text("您好", to: "lisi")), now: Date())
        // Readable as a plain OutgoingMessage, as the release before card updates reads it.
        #expect(try JSONDecoder().decode(OutgoingMessage.self, from: Data(message.payload.utf8)) == .text("您好", to: "lisi"))
        #expect(!message.payload.contains("cardUpdate"))
        #expect(try message.item() == .message(.text("您好", to: "lisi")))
        let update = CardUpdate(responseCode: "rc9", userIDs: ["lisi"], replaceName: "已转派")
        let row = try OutboxRecord(inboxID: nil, item: .cardUpdate(update), now: Date())
        #expect(row.payload.hasPrefix(#"{"cardUpdate":"#))
        #expect(try row.item() == .cardUpdate(update))
        #expect(row.userID == "card:rc9")
        #expect(row.taskID == nil)
        let card = try OutboxRecord(inboxID: nil, item: .message(Self.card), now: Date())
        #expect(card.taskID == "tkt-4711")
        #expect(try card.item() == .message(Self.card))
    }

    @Test("An update with a used response code fails for good, once, and its lane goes on")
    func usedCodeFails() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            try store.enqueue(
                [
                    .cardUpdate(CardUpdate(responseCode: "rc-click", atAll: true, replaceName: "张三已认领")),
                    .cardUpdate(CardUpdate(responseCode: "rc-click", atAll: true, replaceName: "李四已认领")),
                    .cardUpdate(CardUpdate(responseCode: "rc-other", atAll: true, replaceName: "王五已认领")),
                ], inReplyTo: nil, at: Date(), in: db)
        }
        try await FakeWeComServer.with { wecom in
            try await running(worker(store, wecom)) {
                #expect(
                    try await eventually(timeout: .seconds(30)) {
                        try await database.writer.read { db in
                            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status IN ('sent', 'failed')")
                        } == 3
                    })
                // Long enough for a retry, had there been one.
                try await Task.sleep(for: .milliseconds(300))
            }
            // The two lanes run side by side, in either order.
            #expect(Set(await wecom.state.cardUpdates.compactMap(\.replaceName)) == ["张三已认领", "王五已认领"])
        }
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT status, attempts, last_errcode FROM outbox ORDER BY id")
        }
        #expect(rows.map { $0["status"] as String } == ["sent", "failed", "sent"])
        #expect(rows[1]["attempts"] == 1)
        #expect(rows[1]["last_errcode"] == FakeWeComState.invalidResponseCodeErrcode)
    }

    @Test("An update failing transiently is retried while its code is valid, and given up once it has expired")
    func transientUntilExpiry() async throws {
        let path = "/cgi-bin/message/update_template_card"
        let database = try AppDatabase(writer: DatabaseQueue())
        let store = DatabaseOutboxStore(writer: database.writer)
        try await database.writer.write { db in
            try store.enqueue(
                [.cardUpdate(CardUpdate(responseCode: "rc-fresh", atAll: true, replaceName: "已认领"))], inReplyTo: nil,
                at: Date(), in: db)
        }
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(-1), on: path, count: 2)
            try await running(worker(store, wecom)) {
                #expect(await eventually(timeout: .seconds(30)) { await wecom.state.cardUpdates.count == 1 })
                let done = try await settled(database.writer)
                #expect(done)
            }
        }
        #expect(try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT attempts FROM outbox") } == 3)

        // Queued 25 hours ago (the worker's clock is a day ahead): WeCom would refuse the code anyway.
        let stale = try AppDatabase(writer: DatabaseQueue())
        let staleStore = DatabaseOutboxStore(writer: stale.writer)
        try await stale.writer.write { db in
            try staleStore.enqueue(
                [.cardUpdate(CardUpdate(responseCode: "rc-stale", atAll: true, replaceName: "已认领"))], inReplyTo: nil,
                at: Date(), in: db)
        }
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(-1), on: path, count: 100)
            let dayLater = Date().addingTimeInterval(25 * 3600)
            try await running(worker(staleStore, wecom, now: { dayLater })) {
                let failed = try await eventually(timeout: .seconds(30)) {
                    try await stale.writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM outbox") } == "failed"
                }
                #expect(failed)
            }
            #expect(await wecom.state.cardUpdates.isEmpty)
        }
        #expect(try await stale.writer.read { db in try Int.fetchOne(db, sql: "SELECT attempts FROM outbox") } == 1)
    }
}

private let testLogger: Logger = {
    var logger = Logger(label: "CardUpdateTests")
    logger.logLevel = .critical
    return logger
}()

/// A worker on `store` sending to the fake with one attempt per call and retries 50 ms apart.
private func worker(
    _ store: DatabaseOutboxStore, _ wecom: FakeWeComServer, signal: WorkSignal = WorkSignal(),
    timeout: Duration = .seconds(2), now: @escaping @Sendable () -> Date = { Date() }
) -> OutboxWorker {
    var settings = OutboxSettings()
    settings.initialBackoff = .milliseconds(50)
    settings.maxBackoff = .milliseconds(100)
    let client = WeComAPIClient(
        configuration: WeComAPIConfiguration(
            baseURL: wecom.baseURL, corpID: TestWeCom.corpID, agentID: TestWeCom.agentID, secret: "fake-secret",
            retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: timeout),
        logger: testLogger)
    return OutboxWorker(
        store: store, sender: client, settings: settings, signal: signal, metrics: ServerMetrics(), logger: testLogger,
        now: now)
}

/// Waits until every row of the outbox in `writer` is sent or failed (the worker records an outcome
/// after WeCom answers, so the fake seeing a request is not enough).
private func settled(_ writer: any DatabaseWriter) async throws -> Bool {
    try await eventually(timeout: .seconds(30)) {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('sent', 'failed')")
        } == 0
    }
}
