import Foundation
import GRDB

/// How many messages one member may get from the app: WeCom delivers at most 30 a minute and 1000 an
/// hour from one app to one member in a 1:1 chat and silently drops the rest (protocol notes §6.2,
/// §9a). An agent at a peak (every store writing at once) gets a card and a case text per new ticket,
/// every relayed message and every acknowledgement, far more than that.
///
/// Every message handed to WeCom is counted once per recipient in `outbox_member_send` (a card update
/// is not a message and is not counted). A lane head one of whose recipients has had `perMinute`
/// messages in the last 60 s, or `perHour` in the last hour, is held: its due time moves to when the
/// window has room again, so the worker sleeps until then and other lanes go on
/// (`OutboxStore.claimDue(now:limit:budget:)`); a head to several members is split instead when some
/// of them have room (`OutboxSplit`).
struct OutboxMemberBudget: Sendable, Equatable {
    /// Messages a member may get in any 60 s (`outbox.perMemberPerMinute`): below WeCom's 30, since
    /// our count starts when a send begins and WeCom's when it arrives.
    var perMinute = 28
    /// Messages a member may get in any hour (`outbox.perMemberPerHour`), below WeCom's 1000.
    var perHour = 950

    static let tableName = "outbox_member_send"
    static let minute: TimeInterval = 60
    static let hour: TimeInterval = 3600

    /// Why and until when a message to some members must wait.
    struct Hold: Sendable, Equatable {
        /// When every recipient has room again, as far as the sends counted so far go.
        var until: Date
        /// The recipients whose budget is spent.
        var members: [String]
    }

    /// Whether a message to `members` must wait at `now`, and until when.
    func hold(_ members: [String], now: Date, in db: Database) throws -> Hold? {
        let nowMS = Self.milliseconds(now)
        var until: Int64?
        var spent: [String] = []
        for member in members {
            var memberSpent = false
            for (window, limit) in [(Self.minute, perMinute), (Self.hour, perHour)] {
                // The limit-th most recent send in the window: once it leaves the window, one more fits.
                guard
                    let oldest = try Int64.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT at_ms FROM \(Self.tableName) WHERE member = ? AND at_ms > ?
                                ORDER BY at_ms DESC LIMIT 1 OFFSET ?
                                """),
                        arguments: [member, nowMS - Self.milliseconds(window), max(1, limit) - 1])
                else { continue }
                until = max(until ?? 0, oldest + Self.milliseconds(window))
                memberSpent = true
            }
            if memberSpent { spent.append(member) }
        }
        return until.map { Hold(until: Date(timeIntervalSince1970: Double($0) / 1000), members: spent) }
    }

    /// Counts a message to `members` that is being handed to WeCom (its `attempt`). A row sent again
    /// after a crash replaces its earlier count, since WeCom drops the checked resend of one that had
    /// arrived.
    static func record(_ members: [String], outboxID: Int64, attempt: Int, at now: Date, in db: Database) throws {
        for member in members {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO \(tableName) (outbox_id, attempt, member, at_ms) VALUES (?, ?, ?, ?)"
            ).execute(
                arguments: [outboxID, attempt, member, milliseconds(now)])
            // Sends older than the longest window count no more; pruned per member on the index.
            try db.cachedStatement(sql: "DELETE FROM \(tableName) WHERE member = ? AND at_ms <= ?").execute(
                arguments: [member, milliseconds(now) - milliseconds(hour)])
        }
    }

    /// The current attempt of `outboxID` was answered by WeCom at `now`: its count starts then, so
    /// that a slow send does not make the window look freer than WeCom's. Call before the row's
    /// `attempts` moves on.
    static func confirm(outboxID: Int64, at now: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE \(tableName) SET at_ms = MAX(at_ms, ?)
                WHERE outbox_id = ? AND attempt = (SELECT attempts FROM outbox WHERE id = ?)
                """
        ).execute(
            arguments: [milliseconds(now), outboxID, outboxID])
    }

    /// WeCom refused the current attempt of `outboxID` with an errcode, so it delivered nothing and
    /// the attempt counts no more. Call before the row's `attempts` moves on.
    static func refund(outboxID: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: "DELETE FROM \(tableName) WHERE outbox_id = ? AND attempt = (SELECT attempts FROM outbox WHERE id = ?)"
        ).execute(
            arguments: [outboxID, outboxID])
    }

    /// `date` in whole milliseconds since 1970, to the nearest: the counts are kept so, and exact
    /// integers make a row held until `until` fall due at `until` and not a rounding error before,
    /// which would wake the worker again at once.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func milliseconds(_ interval: TimeInterval) -> Int64 {
        Int64((interval * 1000).rounded())
    }
}
