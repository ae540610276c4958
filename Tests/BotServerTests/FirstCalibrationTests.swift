import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WeComAdapter

@testable import BotServer

/// The server listens before its first engine is calibrated (seconds after a start, longer for a large
/// knowledge base): a restart under load must not make WeCom give up on callbacks.
@Suite("Before the first calibration")
struct FirstCalibrationTests {
    let fixture = TestWeCom.fixture

    @Test("Callbacks are stored and acknowledged while the first engine is calibrated, and answered once it lands")
    func storedThenAnswered() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let pipeline = try await TestPipeline(database: database, logger: Logger(label: "test"), calibrateWhenStarted: true)
        #expect(pipeline.knowledge.engineIfBuilt == nil)
        let crypto = try WeComCrypto(token: TestWeCom.token, encodingAESKey: TestWeCom.aesKey, receiveID: TestWeCom.corpID)
        let processor = pipeline.processor()
        let app = Application(
            router: pipeline.router(
                channel: .on(CallbackDecoder(crypto: crypto, maxClockSkew: nil)), token: "first-test", processor: processor))
        try await app.test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The processor runs, but the engine does not exist yet.
                group.addTask { try await processor.run() }
                #expect(try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 91001)).status == .ok)
                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok)
                #expect(String(buffer: ready.body).contains("calibration: starting"))
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await Self.count(database, "SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 1)
                #expect(try await Self.count(database, "SELECT COUNT(*) FROM outbox") == 0)

                // The first calibration lands: the message waiting for it is answered.
                group.addTask { try await pipeline.knowledge.run() }
                // A calibration beside other tests on a loaded machine can take a while.
                #expect(
                    await eventually(timeout: .seconds(180)) {
                        (try? await Self.count(database, "SELECT COUNT(*) FROM outbox")) == 1
                    })
                #expect(pipeline.knowledge.engineIfBuilt != nil)
                #expect(try await Self.count(database, "SELECT COUNT(*) FROM inbox WHERE status = 'processed'") == 1)
                group.cancelAll()
            }
        }
    }

    private static func count(_ database: AppDatabase, _ sql: String) async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
