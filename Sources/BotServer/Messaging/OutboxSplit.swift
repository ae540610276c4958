import Foundation
import GRDB
import WeComAdapter

/// A message to several members, some of whom have WeCom's per-member budget spent, split so that the
/// others get it now instead of waiting for the last of them (`OutboxMemberBudget`).
///
/// A ticket offered to a whole team goes to its lead too, and a lead of every team is the likeliest to
/// have the budget spent; without a split the card and its case would wait for the lead's window, an
/// hour when the hourly budget is spent, and everyone else with them. So the row keeps its place in
/// the queue (its id) and goes to the members with room, as the head of their lane; each member who
/// waits gets a share queued in their own lane: a text joins what waits for them and is merged into
/// their digest (`OutboxDigest`), a card goes as a card of its own under a task id of its own
/// (`<task id>-s1`, …, since WeCom refuses a task id twice), whose response code updates it like the
/// original's (`CardUpdateCodes.sentCards`). All of it in the claiming transaction, so every member
/// gets the message exactly once.
///
/// Never split: a row that may already have arrived (`duplicateCheck`), because only the very same
/// request (recipients included) lets WeCom drop its resend; it waits until every recipient has room.
enum OutboxSplit {
    /// What splitting one row did.
    struct Outcome: Sendable, Equatable {
        /// The members who get the row itself.
        var kept: [String]
        /// The members who got a share of their own, queued in their lane.
        var shares: [String]
        /// What merging the shares into the waiting members' digests did.
        var merged = OutboxDigest.Outcome()
    }

    /// Splits `head`, a lane head to several members, because `spent` (some of them) have their budget
    /// spent, inside the caller's transaction. Nil when it cannot be split: it may have arrived, it is
    /// not a message, or every recipient waits.
    static func split(_ head: OutboxRecord, waitingFor spent: [String], now: Date, in db: Database) throws -> Outcome? {
        guard !head.duplicateCheck, let id = head.id, case .message(let message)? = try? head.item() else { return nil }
        var seen = Set<String>()
        let members = message.toUsers.filter { seen.insert($0).inserted }
        let waiting = members.filter(spent.contains)
        let kept = members.filter { !spent.contains($0) }
        guard !kept.isEmpty, !waiting.isEmpty else { return nil }

        var rest = message
        rest.toUsers = kept
        let original = Column(OutboxRecord.CodingKeys.originalPayload)
        _ = try OutboxRecord.filter(key: id).updateAll(
            db,
            Column(OutboxRecord.CodingKeys.userID).set(to: OutboxItem.message(rest).lane),
            // A row split or merged before keeps what it was first queued with.
            original.set(to: original ?? Column(OutboxRecord.CodingKeys.payload)),
            Column(OutboxRecord.CodingKeys.payload).set(to: try OutboxRecord.payload(of: .message(rest))))

        var shareIndex = 0
        if case .templateCard(let card) = message.body {
            let range = shareTaskIDRange(of: card.taskID)
            shareIndex =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM outbox WHERE task_id >= ? AND task_id < ?",
                    arguments: [range.lowerBound, range.upperBound]) ?? 0
        }
        var outcome = Outcome(kept: kept, shares: waiting)
        for member in waiting {
            var share = message
            share.toUsers = [member]
            if case .templateCard(var card) = share.body {
                shareIndex += 1
                card.taskID = shareTaskID(of: card.taskID, index: shareIndex)
                share.body = .templateCard(card)
            }
            var record = try OutboxRecord(inboxID: head.inboxID, item: .message(share), now: now)
            record.createdAt = head.createdAt
            record.splitFrom = id
            try record.insert(db)
            let merged = try OutboxDigest.mergeWaitingTexts(inLane: member, in: db)
            outcome.merged.mergedRows += merged.mergedRows
            outcome.merged.digests += merged.digests
        }
        return outcome
    }

    /// The task id of a card's `index`th share (from 1).
    static func shareTaskID(of taskID: String, index: Int) -> String {
        "\(taskID)-s\(index)"
    }

    /// The task ids of `taskID`'s shares sort within this range (and no other card's: an install id
    /// is hex digits, so never begins with `s`).
    static func shareTaskIDRange(of taskID: String) -> Range<String> {
        (taskID + "-s")..<(taskID + "-t")
    }
}
