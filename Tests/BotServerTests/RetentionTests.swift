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

    @Test("The bound of old rows is found by bisection over ids with gaps, as a full scan would find it")
    func boundByBisection() throws {
        let database = try DatabaseQueue()
        try database.write { db in
            try db.execute(sql: "CREATE TABLE inbox (id INTEGER PRIMARY KEY, received_at DATETIME NOT NULL)")
            var generator = SystemRandomNumberGenerator()
            var id: Int64 = 0
            for minute in 0..<2_000 {
                id += Int64.random(in: 1...4, using: &generator)  // gaps, as deletions leave them
                try db.execute(
                    sql: "INSERT INTO inbox (id, received_at) VALUES (?, ?)",
                    arguments: [id, Self.now.addingTimeInterval(Double(minute) * 60)])
            }
        }
        for minutes in [-5.0, 0, 0.5, 1, 17, 999.5, 1_000, 1_999, 2_000, 5_000] {
            let cutoff = Self.now.addingTimeInterval(minutes * 60)
            let (bisected, scanned) = try database.read { db in
                (
                    try RetentionSweeper.lastID(before: cutoff, in: .inbox, db),
                    try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM inbox WHERE received_at < ?", arguments: [cutoff])
                )
            }
            #expect(bisected == scanned, "cutoff at minute \(minutes)")
        }
    }

    @Test("Merged outbox rows (their digest sent) go as well")
    func mergedRowsGo() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        try await database.writer.write { db in
            try Self.add(3, daysOld: 40, inbox: .processed, outbox: .merged, key: "merged", in: db)
        }
        let sweeper = RetentionSweeper(
            database: database.writer, settings: RetentionSettings(), clock: ManualWallClock(Self.now),
            logger: Logger(label: "test"))
        #expect(try await sweeper.sweep(at: Self.now) == .init(outbox: 3, inbox: 3))
    }
}
