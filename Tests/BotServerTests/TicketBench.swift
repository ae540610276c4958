import Categories
import Escalation
import Foundation
import GRDB
import Testing
import WeComAdapter

@testable import BotServer

/// Tickets below the WeCom callback: the desk and the message transaction on an in-memory database,
/// a 华南区 team (Amy and Bob, led by 蔡) that offers a new ticket to everyone on duty, and an associate
/// of 广州天河店, in working hours, so that a new ticket is offered to all three.
struct TicketBench {
    /// 2026-12-02 02:00 UTC: Wednesday 10:00 in Shanghai, in the team's working hours.
    static let morning = Date(timeIntervalSince1970: 1_796_176_800)
    static let team = ["hq_amy", "hq_bob", "hq_cai"]
    static let routing = RoutingTable(
        teams: [
            Team(
                id: "south-ops", name: "华南区营运支持", members: ["hq_amy", "hq_bob"], lead: "hq_cai", hours: .officeHours(),
                offersToEveryone: true)
        ],
        rules: [RoutingRule(region: "华南区", team: "south-ops")], defaultTeam: "south-ops")
    static let wangwu = TicketDesk.Person(userID: "wangwu", name: "王五", store: "广州天河店", region: "华南区")
    static let amy = TicketDesk.Person(userID: "hq_amy", name: "Amy")
    static let bob = TicketDesk.Person(userID: "hq_bob", name: "Bob")
    static let cai = TicketDesk.Person(userID: "hq_cai", name: "蔡")

    let database: AppDatabase
    let transaction: MessageTransaction
    var store: DatabaseOutboxStore { DatabaseOutboxStore(writer: database.writer) }

    init(outboxSignal: WorkSignal = WorkSignal()) throws {
        database = try AppDatabase(writer: DatabaseQueue())
        transaction = MessageTransaction(database: database.writer, routing: Self.routing, outboxSignal: outboxSignal)
    }

    /// Opens a ticket for 王五 at `now` (#1001 first) and queues what it makes people hear.
    @discardableResult
    func openTicket(at now: Date = morning) async throws -> Ticket {
        try await database.writer.write { [transaction] db in
            let request = TicketRequest(
                question: "我们广州这边周末促销怎么安排？", reasons: [.regional], category: "operations", priority: .normal,
                transcript: [TranscriptLine(direction: .fromAssociate, text: "我们广州这边周末促销怎么安排？", at: now)])
            let opening = try transaction.desk.open(request, for: Self.wangwu, categories: [], now: now, in: db)
            try transaction.enqueue(opening.notices, inReplyTo: nil, actor: nil, now: now, in: db)
            return opening.ticket
        }
    }

    /// Sends every due message as WeCom would take it at `now`, a card with the response code
    /// `send-<task id>`, until nothing is due; returns what was sent.
    @discardableResult
    func sendAll(at now: Date) async throws -> [OutboxRecord] {
        var sent: [OutboxRecord] = []
        while true {
            let claim = try await store.claimDue(now: now, limit: 50, budget: OutboxMemberBudget())
            guard !claim.records.isEmpty else { return sent }
            for record in claim.records {
                let id = try #require(record.id)
                try await store.markSent(
                    id, weComMessageID: "m\(id)", responseCode: record.taskID.map { "send-\($0)" }, now: now)
                sent.append(record)
            }
        }
    }

    /// The offer card of `ticket` as WeCom has it: its task id.
    func offerTaskID(of ticket: Int = 1001) async throws -> String {
        try #require(
            try await database.writer.read { db in
                try String.fetchOne(
                    db, sql: "SELECT task_id FROM outbox WHERE task_id LIKE ? ORDER BY id LIMIT 1", arguments: ["sd-t\(ticket)-%"]
                )
            })
    }

    /// A tap on a ticket card accepted by the callback at `tappedAt`: its inbox id.
    func acceptTap(_ key: String, taskID: String, by user: String, code: String, at tappedAt: Date) async throws -> Int64 {
        let inbox = DatabaseInboxStore(database: database.writer)
        let dedupeKey = "tap:\(user):\(key):\(code)"
        _ = try await inbox.accept(dedupeKey: dedupeKey, userID: user, xml: "<xml/>", receivedAt: tappedAt)
        return try #require(
            try await database.writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM inbox WHERE dedupe_key = ?", arguments: [dedupeKey])
            })
    }

    /// The rows queued after `id`, as items.
    func queued(after id: Int64 = 0) async throws -> [(record: OutboxRecord, item: OutboxItem)] {
        try await database.writer.read { db in
            try OutboxRecord.filter(Column("id") > id).order(Column("id")).fetchAll(db).map { ($0, try $0.item()) }
        }
    }

    /// The last outbox row's id.
    func lastOutboxID() async throws -> Int64 {
        try await database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM outbox") } ?? 0
    }
}
