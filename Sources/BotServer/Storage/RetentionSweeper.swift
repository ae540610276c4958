import Escalation
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Removes the inbox and outbox rows whose work is long done (`RetentionSettings`), in small batches,
/// so that a year of traffic does not grow the database without bound: SQLite reuses the freed pages.
///
/// What goes: inbox rows handled (`processed`) and outbox rows `sent` or `failed`, older than
/// `RetentionSettings.keep`. What stays: anything still to do (pending, sending), inbox rows set aside
/// as `failed` (for a person to look at), and everything of the question log and the tickets.
struct RetentionSweeper: Service {
    let database: any DatabaseWriter
    let settings: RetentionSettings
    let clock: any WallClock
    let logger: Logger

    /// What one sweep removed.
    struct Removed: Sendable, Equatable {
        var outbox = 0
        var inbox = 0
    }

    func run() async throws {
        guard let interval = settings.sweepInterval, settings.keep != nil else { return }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let removed = try await sweep(at: clock.now())
                if removed != Removed() {
                    logger.info(
                        "Removed old handled messages",
                        metadata: ["inbox": "\(removed.inbox)", "outbox": "\(removed.outbox)"])
                }
            } catch {
                logger.error("Cannot remove old handled messages; will try again", metadata: ["error": "\(error)"])
            }
            _ = await cancelWhenGracefulShutdown { try? await Task.sleep(for: interval) }
        }
    }

    /// Removes what is older than the retention at `now`, a batch per transaction.
    func sweep(at now: Date) async throws -> Removed {
        guard let keep = settings.keep else { return Removed() }
        let cutoff = now.addingTimeInterval(-(keep / .seconds(1)))
        var removed = Removed()
        // The outbox first: its rows point at the inbox's.
        removed.outbox = try await sweep(.outbox, before: cutoff)
        removed.inbox = try await sweep(.inbox, before: cutoff)
        return removed
    }

    /// A table whose finished rows go.
    struct Table: Sendable {
        let name: String
        let dateColumn: String
        /// The statuses of rows whose work is done.
        let finished: [String]

        static let outbox = Table(name: "outbox", dateColumn: "created_at", finished: ["sent", "failed", "merged"])
        static let inbox = Table(name: "inbox", dateColumn: "received_at", finished: ["processed"])
    }

    /// Rows come in time order, so the old ones are the ids up to a bound found by bisection (a few point
    /// reads); the deletes then walk that range of the primary key once, past the rows that stay (work
    /// still to do, inbox rows set aside as failed), never reading the rows that are not old yet.
    private func sweep(_ table: Table, before cutoff: Date) async throws -> Int {
        guard let bound = try await database.read({ db in try Self.lastID(before: cutoff, in: table, db) }) else { return 0 }
        let statuses = table.finished.map { "'\($0)'" }.joined(separator: ", ")
        let select = """
            SELECT id FROM \(table.name) NOT INDEXED
            WHERE id > ? AND id <= ? AND status IN (\(statuses)) AND \(table.dateColumn) < ? ORDER BY id LIMIT ?
            """
        var after: Int64 = 0
        var total = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let (deleted, last) = try await database.write { [batchSize = settings.batchSize, after] db -> (Int, Int64?) in
                let ids = try Int64.fetchAll(db.cachedStatement(sql: select), arguments: [after, bound, cutoff, batchSize])
                guard let last = ids.last else { return (0, nil) }
                try db.execute(sql: "DELETE FROM \(table.name) WHERE id IN (\(ids.map(String.init).joined(separator: ",")))")
                return (db.changesCount, last)
            }
            total += deleted
            guard let last, deleted == settings.batchSize else { break }
            after = last
            // Between batches the writer serves everyone else (callbacks, answers) first.
            await Task.yield()
        }
        return total
    }

    /// The last id of `table` whose row is older than `cutoff`, nil when none is.
    static func lastID(before cutoff: Date, in table: Table, _ db: Database) throws -> Int64? {
        /// The first row at or after `id`, and whether it is old.
        func firstRow(from id: Int64) throws -> (id: Int64, old: Bool)? {
            try Row.fetchOne(
                db, sql: "SELECT id, \(table.dateColumn) FROM \(table.name) WHERE id >= ? ORDER BY id LIMIT 1",
                arguments: [id]
            ).map { row in (row[0], (row[1] as Date) < cutoff) }
        }
        guard let first = try firstRow(from: Int64.min), first.old,
            let lastID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(table.name)")
        else { return nil }
        if try firstRow(from: lastID)?.old == true { return lastID }
        // The first row at or after `low` is old, the first at or after `high` is not.
        var low = first.id
        var high = lastID
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if try firstRow(from: middle)?.old == true { low = middle } else { high = middle }
        }
        return low
    }
}
