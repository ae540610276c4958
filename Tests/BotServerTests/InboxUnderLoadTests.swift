import Categories
import Escalation
import Foundation
import GRDB
import Logging
import Testing

@testable import BotServer

@Suite("The inbox under load: callbacks stored in groups, associates handled a few at a time")
struct InboxUnderLoadTests {
    private static func callback(_ key: String, user: String = "zhangsan") -> AcceptedCallback {
        .init(dedupeKey: key, userID: user, xml: "<xml>\(key)</xml>", receivedAt: Date())
    }

    private static func groupCommit(_ writer: any DatabaseWriter) -> GroupCommit<AcceptedCallback, Bool> {
        GroupCommit(writer: writer) { callbacks, db in try AcceptedCallback.insert(callbacks, in: db) }
    }

    @Test("Callbacks accepted at once are each stored once; a redelivery in the same group is one")
    func groupCommitStoresEachOnce() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let commit = Self.groupCommit(database.writer)
        // 300 callbacks of 200 keys, all at once: many share a transaction.
        let keys = (0..<300).map { "msg:\($0 % 200)" }
        let answers = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for key in keys { group.addTask { (key, try await commit.submit(Self.callback(key))) } }
            return try await group.reduce(into: [String: [Bool]]()) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(answers.count == 200)
        #expect(answers.values.allSatisfy { $0.filter { $0 }.count == 1 }, "each key new exactly once")
        let stored = try await database.writer.read { db in try InboxRecord.fetchAll(db) }
        #expect(stored.count == 200)
        #expect(Set(stored.map(\.dedupeKey)).count == 200)
        #expect(stored.allSatisfy { $0.status == .pending && $0.xml == "<xml>\($0.dedupeKey)</xml>" })
    }

    @Test("When the database refuses a write every callback of the group gets the error; later ones are stored")
    func failedGroupThenRecovery() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let commit = Self.groupCommit(database.writer)
        try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        let failures = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask { (try? await commit.submit(Self.callback("refused:\(index)"))) == nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 50, "a refused callback must not be acked")
        try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
        #expect(try await commit.submit(Self.callback("refused:7")))
        #expect(try await database.writer.read { db in try InboxRecord.fetchCount(db) } == 1)
    }

    @Test("A caller whose task is cancelled while it leads still commits its group (GRDB would refuse a cancelled task)")
    func cancelledLeader() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let commit = Self.groupCommit(database.writer)
        let cancelled = Task { try await commit.submit(Self.callback("cancelled")) }
        cancelled.cancel()
        #expect(try await cancelled.value)
        #expect(try await commit.submit(Self.callback("after")))
        #expect(try await database.writer.read { db in try InboxRecord.fetchCount(db) } == 2)
    }

    @Test("One bad item of a group fails alone: the others are written")
    func badItemFailsAlone() async throws {
        let database = try DatabaseQueue()
        try await database.write { db in try db.execute(sql: "CREATE TABLE counted (value INTEGER NOT NULL CHECK (value >= 0))") }
        let commit = GroupCommit<Int, Int>(writer: database) { values, db in
            try values.map { value in
                try db.execute(sql: "INSERT INTO counted (value) VALUES (?)", arguments: [value])
                return value * 2
            }
        }
        let outcomes = await withTaskGroup(of: (Int, Int?).self) { group in
            for value in -3..<60 { group.addTask { (value, try? await commit.submit(value)) } }
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter { $0.value == nil }.keys.sorted() == [-3, -2, -1])
        #expect(outcomes.allSatisfy { $0.key < 0 || $0.value == $0.key * 2 })
        #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM counted") } == 60)
    }

    @Test("With one lane, every associate's messages are still handled, each associate's in order")
    func oneLaneServesEveryone() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let pipeline = try await TestPipeline(database: database, logger: Logger(label: "test"))
        let transaction = pipeline.transaction
        let users = (1...12).map { "store\($0)" }
        var next = 9000
        for round in ["调拨单在哪查", "会员积分怎么查"] {
            for user in users {
                next += 1
                let xml = TestPipeline.textXML(from: user, round, msgID: next)
                #expect(
                    try await transaction.inbox.accept(
                        dedupeKey: "msg:\(next)", userID: user, xml: xml, receivedAt: Date()))
            }
        }
        let processor = pipeline.processor(lanes: 1)
        let writer = database.writer
        @Sendable func pending() async throws -> Int? {
            try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE status = 'pending'") }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await processor.run() }
            let handled = try await eventually(timeout: .seconds(60)) { try await pending() == 0 }
            #expect(handled)
            group.cancelAll()
        }
        // Each associate's replies follow their messages' order.
        let replies = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, inbox_id FROM outbox ORDER BY id")
        }
        for user in users {
            let inboxIDs: [Int64] = replies.filter { $0["user_id"] == user }.map { $0["inbox_id"] }
            #expect(inboxIDs.count >= 2, "\(user) got \(inboxIDs.count) replies")
            #expect(inboxIDs == inboxIDs.sorted(), "\(user)'s replies out of order")
        }
    }
}
