import Categories
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

/// A full disk or a database that cannot be written: callbacks are not acked (WeCom retries them),
/// `/readyz` says why, nothing already stored is lost, and it all recovers without a restart.
@Suite("The database refuses writes")
struct StorageFailureTests {
    let fixture = TestWeCom.fixture

    /// The server's router over a file database whose writer connection the test can limit.
    private static func withRouter(
        _ test: @escaping @Sendable (any TestClientProtocol, AppDatabase, LogCapture) async throws -> Void
    ) async throws {
        let data = try TemporaryDirectory()
        let database = try AppDatabase.open(in: data.url)
        let capture = LogCapture()
        let logger = capture.logger()
        let pipeline = try await TestPipeline(database: database, logger: logger)
        let crypto = try WeComCrypto(token: TestWeCom.token, encodingAESKey: TestWeCom.aesKey, receiveID: TestWeCom.corpID)
        let router = pipeline.router(channel: .on(CallbackDecoder(crypto: crypto, maxClockSkew: nil)), token: "storage-test")
        let app = Application(router: router, logger: logger)
        try await app.test(.router) { client in try await test(client, database, capture) }
    }

    private static func inboxKeys(_ database: AppDatabase) async throws -> Set<String> {
        Set(try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT dedupe_key FROM inbox") })
    }

    @Test("Full (SQLite's page limit): 503 and readiness say why; what was stored stays; taken again once there is room")
    func fullThenRoom() async throws {
        try await Self.withRouter { client, database, log in
            #expect(try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 1)).status == .ok)
            // SQLite's own limit gives a real SQLITE_FULL (also as root, where a read-only file would not).
            try await database.writer.writeWithoutTransaction { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            var acked: [UInt64] = [1]
            var refused: UInt64?
            for msgID in UInt64(2)...400 {
                let response = try await client.post(
                    try fixture.text(from: "lisi", String(repeating: "库存盘点差异怎么处理", count: 40), msgID: msgID))
                if response.status == .ok {
                    acked.append(msgID)
                    continue
                }
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("full"))
                refused = msgID
                break
            }
            let refusedID = try #require(refused, "the page limit never filled")
            #expect(log.text.contains("Cannot store a WeCom callback; answered 503 so that WeCom retries it"))
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains("callbacks cannot be stored: the database or its disk is full"))
            // Everything acked is stored; the refused one is not.
            let stored = try await Self.inboxKeys(database)
            #expect(stored.count == acked.count)
            #expect(!stored.contains { $0.hasSuffix(":\(refusedID)") })

            // Room again (an operator freed space): ready with no restart, and WeCom's retry is taken.
            try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let retry = try await client.post(
                try fixture.text(from: "lisi", String(repeating: "库存盘点差异怎么处理", count: 40), msgID: refusedID))
            #expect(retry.status == .ok)
            #expect(try await Self.inboxKeys(database).count == acked.count + 1)
        }
    }

    @Test("Read-only: 503 and readiness say so; writable again, taken again")
    func readOnlyThenWritable() async throws {
        try await Self.withRouter { client, database, _ in
            try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
            let refused = try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 7))
            #expect(refused.status == .serviceUnavailable)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains("callbacks cannot be stored"))
            try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 7)).status == .ok)
            #expect(try await Self.inboxKeys(database).count == 1)
        }
    }

    @Test("A message whose handling cannot be stored is never set aside: it waits, in order, and is answered once writes work")
    func handlingWaitsForTheDatabase() async throws {
        // A pool, as the server has: the reads go to other connections than the writer, whose
        // `query_only` stands for a file that cannot be written.
        let data = try TemporaryDirectory()
        let database = try AppDatabase.open(in: data.url)
        let pipeline = try await TestPipeline(database: database, logger: Logger(label: "test"))
        let transaction = pipeline.transaction
        let xml = TestPipeline.textXML(from: "lisi", "调拨单在哪查", msgID: 8001)
        #expect(try await transaction.inbox.accept(dedupeKey: "msg:8001", userID: "lisi", xml: xml, receivedAt: Date()))
        try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        let processor = pipeline.processor()
        let writer = database.writer
        @Sendable func status() async throws -> String? {
            try await writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM inbox WHERE dedupe_key = 'msg:8001'") }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await processor.run() }
            // Longer than five quick attempts would take: it is not given up on.
            try await Task.sleep(for: .seconds(3))
            let before = try await status()
            #expect(before == "pending")
            try await writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
            let handled = try await eventually(timeout: .seconds(30)) { try await status() == "processed" }
            #expect(handled)
            group.cancelAll()
        }
        let replies = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") }
        #expect(replies == 1)
    }
}
