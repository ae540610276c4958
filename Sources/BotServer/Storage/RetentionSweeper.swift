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
        // The outbox first: its rows point at the inbox's. Rows are walked in id order (NOT INDEXED),
        // which is the order they came in, so each batch finds its old rows at the start.
        removed.outbox = try await deleteInBatches(
            """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox NOT INDEXED WHERE status IN ('sent', 'failed') AND created_at < ? ORDER BY id LIMIT ?)
            """, cutoff: cutoff)
        removed.inbox = try await deleteInBatches(
            """
            DELETE FROM inbox WHERE id IN (
                SELECT id FROM inbox NOT INDEXED WHERE status = 'processed' AND received_at < ? ORDER BY id LIMIT ?)
            """, cutoff: cutoff)
        return removed
    }

    private func deleteInBatches(_ sql: String, cutoff: Date) async throws -> Int {
        var total = 0
        while !Task.isCancelled {
            let deleted = try await database.write { [batchSize = settings.batchSize] db in
                try db.execute(sql: sql, arguments: [cutoff, batchSize])
                return db.changesCount
            }
            total += deleted
            guard deleted == settings.batchSize else { break }
            // Between batches the writer serves everyone else (callbacks, answers) first.
            await Task.yield()
        }
        return total
    }
}
