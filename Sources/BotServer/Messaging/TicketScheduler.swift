import Escalation
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Acts on tickets when their time comes, with nobody writing: offers put off until the team opens,
/// tickets nobody claimed or answered going back to the team, SLA warnings and breaches up the ladder,
/// reminders of an unanswered `#1001 等待`, and closing.
///
/// Every alarm is acted on in one transaction with queuing what people must hear and recording the
/// alarm as done on the ticket, so a crash or a restart loses no notification and repeats none. The
/// schedule lives in the database (`ticket.next_check_at`); at start every ticket's due times are worked
/// out again from its history, so that a changed calendar or target takes effect.
struct TicketScheduler: Service {
    let transaction: MessageTransaction
    let clock: any WallClock
    let metrics: ServerMetrics
    let logger: Logger
    var interval: Duration = .seconds(30)

    /// Tickets handled per transaction: keeps the writer free for associates' messages between batches.
    static let batchSize = 50

    private var desk: TicketDesk { transaction.desk }

    func run() async throws {
        do {
            let changed = try await recomputeSchedules()
            logger.info("Ticket schedules worked out again from their history", metadata: ["changed": "\(changed)"])
        } catch {
            logger.error("Cannot work out the tickets' schedules again", metadata: ["error": "\(error)"])
        }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await sweep(at: clock.now())
            } catch {
                logger.error("Ticket scheduler sweep failed; will try again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Every ticket not closed gets its due times again (a calendar or target may have changed).
    func recomputeSchedules() async throws -> Int {
        try await transaction.database.write { [desk] db in try desk.recomputeSchedules(in: db) }
    }

    /// Acts on every alarm due by `now`, a batch of tickets per transaction; returns what was done.
    @discardableResult
    func sweep(at now: Date) async throws -> [TicketTick] {
        var done: [TicketTick] = []
        // Each tick moves its ticket's next check past `now`; the bound only guards against a bug
        // turning this into a busy loop.
        for _ in 0..<100 {
            let batch = try await transaction.database.write { [desk, transaction] db -> [TicketTick] in
                try desk.dueTickets(at: now, limit: Self.batchSize, in: db).map { number in
                    let tick = try desk.tick(number, now: now, in: db)
                    try transaction.enqueue(tick.notices, inReplyTo: nil, actor: nil, now: now, in: db)
                    return tick
                }
            }
            for tick in batch where !tick.fired.isEmpty {
                metrics.ticketAlarms(tick)
                logger.info(
                    "Ticket alarms",
                    metadata: [
                        "ticket": "\(tick.ticket.map { "\($0.number)" } ?? "-")",
                        "alarms": "\(tick.fired.map(\.key).joined(separator: ","))",
                    ])
            }
            done += batch
            if batch.contains(where: { !$0.notices.isEmpty }) { await transaction.outboxSignal.notify() }
            if batch.count < Self.batchSize { break }
        }
        return done
    }
}
