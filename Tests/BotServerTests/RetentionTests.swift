import Escalation
import Foundation
import GRDB
import Logging
import Testing
import WeComAdapter

@testable import BotServer

@Suite("Retention: old handled messages go, in small batches; work still to do and the ticket history stay")
struct RetentionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Inbox rows (and a reply each) `days` old with `status`.
    private static func add(
        _ count: Int, daysOld days: Double, inbox status: InboxRecord.Status, outbox: OutboxRecord.Status,
        key: String, in db: Database
    ) throws {
        let at = now.addingTimeInterval(-days * 86400)
        for index in 0..<count {
            let callback = AcceptedCallback(dedupeKey: "\(key):\(index)", userID: "zhangsan", xml: "<xml/>", receivedAt: at)
            _ = try AcceptedCallback.insert([callback], in: db)
            let inboxID = db.lastInsertedRowID
            try db.execute(sql: "UPDATE inbox SET status = ? WHERE id = ?", arguments: [status, inboxID])
            var reply = try OutboxRecord(inboxID: inboxID, message: .text("回复", to: "zhangsan"), now: at)
            reply.status = outbox
            try reply.insert(db)
        }
    }

    private static func count(_ sql: String, _ database: AppDatabase) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test(
        "Past 30 days: handled inbox rows and sent or failed outbox rows are removed; pending, sending and failed inbox rows stay"
    )
    func sweepRemovesOnlyWhatIsDone() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        try await database.writer.write { db in
            try Self.add(23, daysOld: 45, inbox: .processed, outbox: .sent, key: "old", in: db)
            try Self.add(2, daysOld: 45, inbox: .processed, outbox: .failed, key: "oldfailedsend", in: db)
            try Self.add(3, daysOld: 45, inbox: .failed, outbox: .pending, key: "oldfailed", in: db)
            try Self.add(1, daysOld: 45, inbox: .pending, outbox: .sending, key: "oldpending", in: db)
            try Self.add(4, daysOld: 29, inbox: .processed, outbox: .sent, key: "recent", in: db)
        }
        var settings = RetentionSettings()
        settings.batchSize = 4
        let sweeper = RetentionSweeper(
            database: database.writer, settings: settings, clock: ManualWallClock(Self.now), logger: Logger(label: "test"))
        let removed = try await sweeper.sweep(at: Self.now)
        #expect(removed == .init(outbox: 25, inbox: 25))
        #expect(try Self.count("SELECT COUNT(*) FROM inbox", database) == 8)
        #expect(try Self.count("SELECT COUNT(*) FROM inbox WHERE dedupe_key LIKE 'old:%'", database) == 0)
        #expect(try Self.count("SELECT COUNT(*) FROM inbox WHERE status = 'failed'", database) == 3)
        #expect(try Self.count("SELECT COUNT(*) FROM inbox WHERE status = 'pending'", database) == 1)
        #expect(try Self.count("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')", database) == 4)
        #expect(try Self.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'", database) == 4)
        // Nothing more the second time.
        #expect(try await sweeper.sweep(at: Self.now) == .init())
        // Kept for ever when retention is off.
        var keepAll = settings
        keepAll.keep = nil
        let keeper = RetentionSweeper(
            database: database.writer, settings: keepAll, clock: ManualWallClock(Self.now), logger: Logger(label: "test"))
        #expect(try await keeper.sweep(at: Self.now.addingTimeInterval(400 * 86400)) == .init())
    }

    @Test("storedesk.yaml sets the days; 0 keeps everything")
    func configured() throws {
        let data = try TemporaryDirectory()
        for (days, expected) in [("7", Duration.seconds(7 * 86400)), ("0", nil)] {
            try "retention:\n  inboxOutboxDays: \(days)\n".write(
                to: data.url.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
            #expect(try AppConfiguration.load(environment: ["STOREDESK_CONFIG": data.url.path]).retention.keep == expected)
        }
        let shipped = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(shipped.retention.keep == .seconds(30 * 86400))
    }
}
