import Foundation
import GRDB
import WeComAdapter

/// The outbox's side of the durable outbox: which replies and card updates go next, and what became
/// of each send.
///
/// Items are queued by `enqueue`, inside the transaction that marks their message handled
/// (`MessageTransaction`) or records what they announce (a ticket claimed).
/// An associate's replies form a lane: only the lane's first unsent row (its head) may be sent, so they
/// arrive in order, and a row is marked `sending` before WeCom is called, so a crash mid-send is known.
/// Each card update is a lane of its own (`OutboxItem.lane`).
protocol OutboxStore: Sendable {
    /// Queues `items`, in order, as replies to the inbox message `inboxID` (nil for none), inside the
    /// caller's transaction.
    func enqueue(_ items: [OutboxItem], inReplyTo inboxID: Int64?, at now: Date, in db: Database) throws
    /// Returns rows left `sending` by a process that stopped mid-send to the queue, marked for WeCom's
    /// duplicate check (they may have arrived). Called once at start, before any send.
    /// - Returns: how many rows were recovered.
    func recoverInterrupted() async throws -> Int
    /// Marks up to `limit` lane heads that are due at `now` as `sending` and returns them, oldest first,
    /// counting each message against its recipients' `budget`. Lanes that already have a row in flight
    /// are skipped. A due head one of whose recipients has spent the budget is held instead: it falls
    /// due when the budget has room again, and a single member's waiting texts are merged into digests
    /// (`OutboxDigest`). A head to several members of whom only some have the budget spent is split
    /// instead: the others get it now, the waiting ones a share in their own lane (`OutboxSplit`). The
    /// claim says which.
    func claimDue(now: Date, limit: Int, budget: OutboxMemberBudget) async throws -> OutboxClaim
    /// When the next lane head not in flight falls due, if any (a held head when its budget has room);
    /// rows behind a head are not counted, since they cannot go first.
    func nextDue() async throws -> Date?
    /// WeCom took the message or card update; `responseCode` is what it answered a card with, kept for
    /// updating the card (`CardUpdateCodes`).
    func markSent(_ outboxID: Int64, weComMessageID: String?, responseCode: String?, now: Date) async throws
    /// Back to the queue until `at`. `mayHaveArrived` (no answer from WeCom: a timeout, a network or HTTP
    /// error) makes the later attempts ask for the duplicate check.
    func scheduleRetry(_ outboxID: Int64, at: Date, errcode: Int?, error: String, mayHaveArrived: Bool) async throws
    /// WeCom refused the message or card update for good.
    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws
}

/// What `OutboxStore.claimDue(now:limit:budget:)` did.
struct OutboxClaim: Sendable, Equatable {
    /// Lane heads marked `sending`, to send now.
    var records: [OutboxRecord] = []
    /// Lane heads held back by their recipients' budget.
    var held: [Held] = []
    /// Lane heads to several members split because some of them had the budget spent.
    var splits: [Split] = []

    /// A lane head held back by its recipients' budget.
    struct Held: Sendable, Equatable {
        var outboxID: Int64
        var lane: String
        /// Until when, and for whom the budget is spent.
        var hold: OutboxMemberBudget.Hold
        /// What merging the lane's waiting texts did.
        var merged: OutboxDigest.Outcome
    }

    /// A lane head to several members split so that those with room get it now.
    struct Split: Sendable, Equatable {
        var outboxID: Int64
        /// Its lane before the split (its recipients).
        var lane: String
        /// Until when, and for whom the budget is spent.
        var hold: OutboxMemberBudget.Hold
        var outcome: OutboxSplit.Outcome
    }
}

extension OutboxStore {
    /// Queues `messages`, in order, as replies to the inbox message `inboxID`, inside the caller's transaction.
    func enqueue(_ messages: [OutgoingMessage], inReplyTo inboxID: Int64?, at now: Date, in db: Database) throws {
        try enqueue(messages.map(OutboxItem.message), inReplyTo: inboxID, at: now, in: db)
    }
}
