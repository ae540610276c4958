import Foundation
import GRDB
import WeComAdapter

/// The outbox in SQLite (the `outbox` table, `server.v1`, `server.v5`, `server.v8`, `server.v9` and
/// `server.v10` migrations; `outbox_member_send`, the sends counted against each member's budget; and
/// `card_response_code`, the codes that allow updating sent cards).
struct DatabaseOutboxStore: OutboxStore {
    let writer: any DatabaseWriter

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
            // Held heads no longer count as due, so a held one makes room for the next lane's head.
            var looked = Set<Int64>()
            while claim.records.count < limit {
                let heads = try Self.dueHeads(now: now, limit: limit - claim.records.count, in: db)
                    .filter { $0.id.map { looked.insert($0).inserted } ?? false }
                guard !heads.isEmpty else { break }
                for var head in heads {
                    guard let id = head.id else { continue }
                    if let members = OutboxItem.members(ofLane: head.userID) {
                        if let hold = try budget.hold(members, now: now, in: db) {
                            if members.count > 1,
                                let outcome = try OutboxSplit.split(head, waitingFor: hold.members, now: now, in: db)
                            {
                                // It now goes to those with room, in their lane: looked at again as that lane's head.
                                looked.remove(id)
                                claim.splits.append(.init(outboxID: id, lane: head.userID, hold: hold, outcome: outcome))
                                continue
                            }
                            var merged = OutboxDigest.Outcome()
                            if members.count == 1, members[0] == head.userID {
                                merged = try OutboxDigest.mergeWaitingTexts(inLane: head.userID, in: db)
                            }
                            // The head (the digest's first row, if merged) falls due when the window has room.
                            _ = try OutboxRecord.filter(key: id).updateAll(
                                db, Column(OutboxRecord.CodingKeys.nextAttemptAt).set(to: hold.until))
                            claim.held.append(.init(outboxID: id, lane: head.userID, hold: hold, merged: merged))
                            continue
                        }
                        try OutboxMemberBudget.record(members, outboxID: id, attempt: head.attempts, at: now, in: db)
                    }
                    _ = try OutboxRecord.filter(key: id)
                        .updateAll(
                            db, Self.status.set(to: Status.sending), Column(OutboxRecord.CodingKeys.startedAt).set(to: now))
                    head.status = .sending
                    head.startedAt = now
                    claim.records.append(head)
                }
            }
            return claim
        }
    }

    /// Up to `limit` lane heads due at `now` whose lane has nothing in flight, oldest first.
    private static func dueHeads(now: Date, limit: Int, in db: Database) throws -> [OutboxRecord] {
        // Heads are the oldest pending row of each lane; a lane with a row `sending` is in flight, and
        // its pending head waits behind it. Both lookups read the `outbox_lane_head` index (status,
        // user_id, id, next_attempt_at) only.
        try OutboxRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE status = ? GROUP BY user_id)
                AND next_attempt_at <= ?
                AND user_id NOT IN (SELECT user_id FROM outbox WHERE status = ?)
                ORDER BY id LIMIT ?
                """,
            arguments: [Status.pending, now, Status.sending, limit])
    }

    func nextDue() async throws -> Date? {
        try await writer.read { db in
            // SQLite takes a bare column from the row that MIN() chose: the head's own due time.
            try Date.fetchOne(
                db,
                sql: """
                    SELECT MIN(next_attempt_at) FROM (
                        SELECT MIN(id), user_id, next_attempt_at FROM outbox WHERE status = ? GROUP BY user_id
                    ) WHERE user_id NOT IN (SELECT user_id FROM outbox WHERE status = ?)
                    """,
                arguments: [Status.pending, Status.sending])
        }
    }

    func markSent(_ outboxID: Int64, weComMessageID: String?, responseCode: String?, now: Date) async throws {
        try await writer.write { db in
            try OutboxMemberBudget.confirm(outboxID: outboxID, at: now, in: db)
            if let responseCode,
                let taskID = try String.fetchOne(db, sql: "SELECT task_id FROM outbox WHERE id = ?", arguments: [outboxID])
            {
                try CardUpdateCodes.record(responseCode, card: taskID, member: nil, at: now, in: db)
            }
            _ = try OutboxRecord.filter(key: outboxID).updateAll(
                db, Self.status.set(to: Status.sent), Column(OutboxRecord.CodingKeys.sentAt).set(to: now),
                Column(OutboxRecord.CodingKeys.weComMessageID).set(to: weComMessageID),
                Column(OutboxRecord.CodingKeys.responseCode).set(to: responseCode), Self.attempts += 1)
        }
    }

    func scheduleRetry(_ outboxID: Int64, at date: Date, errcode: Int?, error: String, mayHaveArrived: Bool) async throws {
        try await writer.write { db in
            if Self.refused(errcode) { try OutboxMemberBudget.refund(outboxID: outboxID, in: db) }
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
