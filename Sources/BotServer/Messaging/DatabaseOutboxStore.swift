import Foundation
import GRDB
import WeComAdapter

/// The outbox in SQLite (the `outbox` table, `server.v1`, `server.v5`, `server.v8`, `server.v9`,
/// `server.v10` and `server.v13` migrations; `outbox_member_send`, the sends counted against each member's budget; and
/// `card_response_code`, the codes that allow updating sent cards).
///
/// Sends recorded at about the same time are written together (`GroupCommit`): under load every
/// message sent is a write, and fewer transactions stand between a callback and its ack.
struct DatabaseOutboxStore: OutboxStore {
    let writer: any DatabaseWriter
    private let sends: GroupCommit<Sent, Void>

    init(writer: any DatabaseWriter) {
        self.writer = writer
        sends = GroupCommit(writer: writer) { sent, db in try sent.map { try Self.record($0, in: db) } }
    }

    /// A send WeCom took, to record.
    private struct Sent: Sendable {
        let outboxID: Int64
        let weComMessageID: String?
        let responseCode: String?
        let at: Date
    }

    func enqueue(_ items: [OutboxItem], inReplyTo inboxID: Int64?, at now: Date, in db: Database) throws {
        for item in items {
            var record = try OutboxRecord(inboxID: inboxID, item: item, now: now)
            if case .cardUpdate(let update) = item {
                // Its code's own age counts, not the update's: a click's code may be hours old already.
                let obtained = try CardUpdateCodes.obtained(update.responseCode, in: db) ?? now
                record.expiresAt = obtained.addingTimeInterval(CardUpdateCodes.lifetime)
            }
            try record.insert(db)
        }
    }

    private typealias Status = OutboxRecord.Status
    private static let status = Column(OutboxRecord.CodingKeys.status)
    private static let attempts = Column(OutboxRecord.CodingKeys.attempts)

    func recoverInterrupted() async throws -> Int {
        try await writer.write { db in
            try OutboxRecord.filter(Self.status == Status.sending)
                .updateAll(db, Self.status.set(to: Status.pending), Column(OutboxRecord.CodingKeys.duplicateCheck).set(to: true))
        }
    }

    func claimDue(now: Date, limit: Int, budget: OutboxMemberBudget) async throws -> OutboxClaim {
        try await writer.write { db in
            var claim = OutboxClaim()
            var scan = try LaneScan(in: db)
            while claim.records.count < limit {
                let heads = try scan.dueHeads(now: now, limit: limit - claim.records.count, in: db)
                guard !heads.isEmpty else { break }
                for id in heads {
                    guard var head = try Self.record(id, in: db) else { continue }
                    // A head split between members now goes to those with room, in their lane: taken
                    // now when it heads that lane (nothing of it met yet, nothing in flight).
                    while try !Self.take(head, now: now, budget: budget, into: &claim, in: db) {
                        // Its old lane's next row is that lane's head now.
                        scan.reopen(head.userID, from: id)
                        guard let split = try Self.record(id, in: db), scan.enter(split.userID) else { break }
                        head = split
                    }
                }
            }
            return claim
        }
    }

    /// Claims `head`, holds it or splits it. - Returns: false when it was split (to be looked at again).
    private static func take(
        _ head: OutboxRecord, now: Date, budget: OutboxMemberBudget, into claim: inout OutboxClaim, in db: Database
    ) throws -> Bool {
        guard let id = head.id else { return true }
        if let members = OutboxItem.members(ofLane: head.userID) {
            if let hold = try budget.hold(members, now: now, in: db) {
                if members.count > 1, let outcome = try OutboxSplit.split(head, waitingFor: hold.members, now: now, in: db) {
                    claim.splits.append(.init(outboxID: id, lane: head.userID, hold: hold, outcome: outcome))
                    return false
                }
                var merged = OutboxDigest.Outcome()
                if members.count == 1, members[0] == head.userID {
                    merged = try OutboxDigest.mergeWaitingTexts(inLane: head.userID, in: db)
                }
                // The head (the digest's first row, if merged) falls due when the window has room.
                try db.cachedStatement(sql: "UPDATE outbox SET next_attempt_at = ? WHERE id = ?")
                    .execute(arguments: [hold.until, id])
                claim.held.append(.init(outboxID: id, lane: head.userID, hold: hold, merged: merged))
                return true
            }
            try OutboxMemberBudget.record(members, outboxID: id, attempt: head.attempts, at: now, in: db)
        }
        try db.cachedStatement(sql: "UPDATE outbox SET status = ?, started_at = ? WHERE id = ?")
            .execute(arguments: [Status.sending, now, id])
        var claimed = head
        claimed.status = .sending
        claimed.startedAt = now
        claim.records.append(claimed)
        return true
    }

    private static func record(_ id: Int64, in db: Database) throws -> OutboxRecord? {
        try OutboxRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE id = ?"), arguments: [id])
    }

    func nextDue() async throws -> Date? {
        try await writer.read { db in
            var scan = try LaneScan(in: db)
            return try scan.earliestHead(in: db)
        }
    }

    func markSent(_ outboxID: Int64, weComMessageID: String?, responseCode: String?, now: Date) async throws {
        try await sends.submit(Sent(outboxID: outboxID, weComMessageID: weComMessageID, responseCode: responseCode, at: now))
    }

    private static func record(_ sent: Sent, in db: Database) throws {
        try OutboxMemberBudget.confirm(outboxID: sent.outboxID, at: sent.at, in: db)
        if let responseCode = sent.responseCode,
            let taskID = try String.fetchOne(
                db.cachedStatement(sql: "SELECT task_id FROM outbox WHERE id = ?"), arguments: [sent.outboxID])
        {
            try CardUpdateCodes.record(responseCode, card: taskID, member: nil, at: sent.at, in: db)
        }
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET status = ?, sent_at = ?, wecom_msgid = ?, response_code = ?, attempts = attempts + 1
                WHERE id = ?
                """
        ).execute(arguments: [Status.sent, sent.at, sent.weComMessageID, sent.responseCode, sent.outboxID])
    }

    func scheduleRetry(_ outboxID: Int64, at date: Date, errcode: Int?, error: String, mayHaveArrived: Bool) async throws {
        try await writer.write { db in
            // A refusal delivered nothing, unless an earlier attempt of the same call went unanswered.
            if Self.refused(errcode), !mayHaveArrived { try OutboxMemberBudget.refund(outboxID: outboxID, in: db) }
            let duplicateCheck = Column(OutboxRecord.CodingKeys.duplicateCheck)
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.pending), Self.attempts += 1,
                Column(OutboxRecord.CodingKeys.nextAttemptAt).set(to: date),
                Column(OutboxRecord.CodingKeys.lastErrcode).set(to: errcode),
                Column(OutboxRecord.CodingKeys.lastError).set(to: error),
                // Once a row may have arrived it stays so: a later clean failure does not undo that.
                duplicateCheck.set(to: duplicateCheck || mayHaveArrived))
        }
    }

    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws {
        try await writer.write { db in
            if Self.refused(errcode) { try OutboxMemberBudget.refund(outboxID: outboxID, in: db) }
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.failed), Self.attempts += 1,
                Column(OutboxRecord.CodingKeys.lastErrcode).set(to: errcode),
                Column(OutboxRecord.CodingKeys.lastError).set(to: error))
        }
    }

    /// WeCom answered with an error, so it delivered nothing: without an errcode (a timeout, a network
    /// or HTTP error) the message may have arrived and keeps counting.
    private static func refused(_ errcode: Int?) -> Bool {
        errcode.map { $0 != 0 } ?? false
    }
}
