import Foundation
import GRDB

/// A walk through the outbox's unsent rows from the oldest, finding each lane's head: the oldest
/// pending row of a lane (an associate, or a card) with nothing of its lane in flight.
///
/// It reads the partial index `outbox_pending_order` (id, lane, due time of the pending rows only; named,
/// since without statistics SQLite would rather read the status index and sort),
/// so it never touches the rows already sent, and it stops as soon as it has the heads asked for: with
/// a backlog of many associates the heads are the first rows it meets. Only when few lanes have
/// anything due does it read every pending row (once per look of the worker, index only).
struct LaneScan {
    /// Lanes whose head was met already, or which have a row in flight: their later rows wait.
    private var lanes: Set<String>
    /// The last row looked at: the next call goes on after it.
    private var after: Int64 = 0

    init(in db: Database) throws {
        lanes = Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT DISTINCT user_id FROM outbox WHERE status = ?"),
                arguments: [OutboxRecord.Status.sending]))
    }

    /// The ids of up to `limit` further lane heads due at `now`, oldest first; empty at the end.
    mutating func dueHeads(now: Date, limit: Int, in db: Database) throws -> [Int64] {
        var heads: [Int64] = []
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT id, user_id, next_attempt_at FROM outbox INDEXED BY outbox_pending_order WHERE status = 'pending' AND id > ? ORDER BY id
                    """),
            arguments: [after])
        while heads.count < limit, let row = try rows.next() {
            let id: Int64 = row[0]
            after = id
            guard lanes.insert(row[1]).inserted else { continue }
            let due: Date = row[2]
            if due <= now { heads.append(id) }
        }
        return heads
    }

    /// Enters `lane` as met: true when it was not (a row of it is its head).
    mutating func enter(_ lane: String) -> Bool {
        lanes.insert(lane).inserted
    }

    /// `lane`'s head at `id` left it (split to other lanes): the next call looks again from there,
    /// where the lane's next row heads it.
    mutating func reopen(_ lane: String, from id: Int64) {
        lanes.remove(lane)
        after = min(after, id)
    }

    /// When the earliest lane head falls due; nil when nothing is pending.
    mutating func earliestHead(in db: Database) throws -> Date? {
        var earliest: Date?
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql:
                    "SELECT user_id, next_attempt_at FROM outbox INDEXED BY outbox_pending_order WHERE status = 'pending' AND id > ? ORDER BY id"
            ),
            arguments: [after])
        while let row = try rows.next() {
            guard lanes.insert(row[0]).inserted else { continue }
            let due: Date = row[1]
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }
}
