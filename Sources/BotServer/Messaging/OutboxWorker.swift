import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import WeComAdapter

/// Something that delivers outgoing messages and card updates: the WeCom API client in production.
protocol MessageSender: Sendable {
    /// Sends `message`, with WeCom's duplicate check when `duplicateCheck` is given.
    func send(_ message: OutgoingMessage, duplicateCheck: DuplicateCheck?) async throws(WeComAPIError)
        -> MessageSendResult
    /// Updates a sent card (`update_template_card`).
    func update(_ update: CardUpdate) async throws(WeComAPIError)
}

extension WeComAPIClient: MessageSender {
    func update(_ update: CardUpdate) async throws(WeComAPIError) {
        try await updateTemplateCard(update)
    }
}

/// Sends the outbox: each associate's messages in order, one at a time; up to
/// `OutboxSettings.concurrency` associates at once. Card updates go the same way, each in a lane of
/// its own.
///
/// No member gets more messages than WeCom delivers (`OutboxMemberBudget`: 28 a minute, 950 an hour
/// by default): a lane whose recipient has spent the budget waits until the window has room, without
/// holding up other lanes, and a single member's waiting texts are merged into digests meanwhile
/// (`OutboxDigest`). A message to several members of whom some have the budget spent goes to the
/// others at once; those who wait get a share in their own lane (`OutboxSplit`).
///
/// Each associate is a lane: only its first unsent row may go, and a freed slot takes the next due
/// lane at once, so one slow send (a 10 s timeout) holds up only its own associate. With nothing due
/// the worker sleeps until the next lane head falls due or new replies are queued (`WorkSignal`).
///
/// Exactly once: a row is marked `sending` before WeCom is called. Rows a crash left `sending` are
/// sent again at start with WeCom's duplicate check, so WeCom drops those that had arrived. A failure
/// WeCom may get over is retried with growing waits and never given up; a permanent one is recorded
/// with its errcode. On graceful shutdown no new send starts, and sends under way get
/// `OutboxSettings.shutdownDeadline` before they are cancelled (and resent, checked, at next start).
///
/// A card update has no duplicate check and needs none: it is idempotent, and one that had arrived
/// used its single-use response code, so the resend fails (for good, with a warning). Its retries end
/// when the code expires (`CardUpdate.responseCodeLifetime` after WeCom gave it: `OutboxRecord.expiresAt`),
/// and one whose code has expired is not sent at all.
final class OutboxWorker: Service, Sendable {
    /// How far back WeCom compares a checked resend: WeCom's default, long enough for a restart, short
    /// enough that an earlier, different message's identical text is rarely within it.
    static let duplicateCheckInterval: Duration = .seconds(1800)
    /// The longest sleep, so that a missed wake-up or a changed clock costs at most this.
    static let maximumIdleWait: Duration = .seconds(5)

    private let store: any OutboxStore
    private let sender: any MessageSender
    private let settings: OutboxSettings
    private let signal: WorkSignal
    private let logger: Logger
    private let metrics: ServerMetrics
    private let now: @Sendable () -> Date
    /// Sends under way; the lanes themselves are the rows marked `sending`.
    private let inFlight = Mutex(0)

    /// - Parameter now: the time rows are compared with and stamped with (a test clock in tests).
    init(
        store: any OutboxStore, sender: any MessageSender, settings: OutboxSettings, signal: WorkSignal,
        metrics: ServerMetrics, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.sender = sender
        self.settings = settings
        self.signal = signal
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    func run() async throws {
        // Rows left `sending` are from a process that stopped mid-send; nothing of ours is in flight yet.
        let recovered = try await store.recoverInterrupted()
        if recovered > 0 {
            logger.notice(
                "Resending messages interrupted mid-send, with WeCom's duplicate check", metadata: ["count": "\(recovered)"])
        }
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let wait = await startDueSends(in: &group)
                // Graceful shutdown ends the wait at once; the loop then stops taking rows.
                _ = await cancelWhenGracefulShutdown { await self.signal.wait(upTo: wait) }
            }
            await letSendsFinish()
            group.cancelAll()
        }
    }

    /// Starts a send for each due lane head while slots are free.
    /// - Returns: how long to wait before looking again (a notification may end it sooner).
    private func startDueSends(in group: inout DiscardingTaskGroup) async -> Duration {
        let free = settings.concurrency - inFlight.withLock { $0 }
        // All slots busy: a finishing send notifies the signal.
        guard free > 0 else { return Self.maximumIdleWait }
        let claim: OutboxClaim
        do {
            claim = try await store.claimDue(now: now(), limit: free, budget: settings.memberBudget)
        } catch {
            logger.error("Cannot read the outbox; will look again", metadata: ["error": "\(error)"])
            return .seconds(1)
        }
        for held in claim.held { noteHeld(held) }
        for split in claim.splits { noteSplit(split) }
        let due = claim.records
        for record in due {
            inFlight.withLock { $0 += 1 }
            group.addTask {
                await self.deliver(record)
                self.inFlight.withLock { $0 -= 1 }
                // The slot is free and the associate's next row may be due.
                await self.signal.notify()
            }
        }
        if due.count == free { return Self.maximumIdleWait }
        return await untilNextDue()
    }

    /// A lane held back by its members' budget: said once per hold, since the head then waits until
    /// the window has room.
    private func noteHeld(_ held: OutboxClaim.Held) {
        metrics.outboxHeld()
        var metadata: Logger.Metadata = [
            "outbox": "\(held.outboxID)", "user": "\(held.lane)", "spent": "\(held.hold.members.joined(separator: "|"))",
            "until": "\(held.hold.until)",
        ]
        guard held.merged.digests > 0 else {
            logger.notice("Held: a recipient had WeCom's per-member message budget spent", metadata: metadata)
            return
        }
        metrics.outboxMerged(rows: held.merged.mergedRows, digests: held.merged.digests)
        metadata["merged"] = "\(held.merged.mergedRows)"
        metadata["digests"] = "\(held.merged.digests)"
        logger.notice(
            "Held and merged waiting texts into digests: the recipient had WeCom's per-member message budget spent",
            metadata: metadata)
    }

    /// A message to several members split: those with room get it now, the others a share in their lane.
    private func noteSplit(_ split: OutboxClaim.Split) {
        metrics.outboxSplit(shares: split.outcome.shares.count)
        if split.outcome.merged.digests > 0 {
            metrics.outboxMerged(rows: split.outcome.merged.mergedRows, digests: split.outcome.merged.digests)
        }
        logger.notice(
            "Split a message to several members: some had WeCom's per-member message budget spent",
            metadata: [
                "outbox": "\(split.outboxID)", "user": "\(split.lane)", "now": "\(split.outcome.kept.joined(separator: "|"))",
                "waiting": "\(split.outcome.shares.joined(separator: "|"))", "until": "\(split.hold.until)",
                "merged": "\(split.outcome.merged.mergedRows)",
            ])
    }

    private func untilNextDue() async -> Duration {
        let next: Date?
        do {
            next = try await store.nextDue()
        } catch {
            logger.error("Cannot read the outbox; will look again", metadata: ["error": "\(error)"])
            return .seconds(1)
        }
        guard let next else { return Self.maximumIdleWait }
        let seconds = min(max(next.timeIntervalSince(now()), 0), Self.maximumIdleWait / .seconds(1))
        return .milliseconds(Int((seconds * 1000).rounded(.up)))
    }

    /// After graceful shutdown: waits up to the deadline for sends under way.
    private func letSendsFinish() async {
        let deadline = ContinuousClock.now + settings.shutdownDeadline
        while !Task.isCancelled, inFlight.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            await signal.wait(upTo: deadline - ContinuousClock.now)
        }
        let unfinished = inFlight.withLock { $0 }
        if unfinished > 0 {
            logger.warning(
                "Cancelling sends still under way; they are resent with the duplicate check at next start",
                metadata: ["count": "\(unfinished)"])
        }
    }

    private func deliver(_ record: OutboxRecord) async {
        guard let id = record.id else { return }
        var metadata: Logger.Metadata = [
            "outbox": "\(id)", "inbox": "\(record.inboxID.map(String.init) ?? "-")", "user": "\(record.userID)",
        ]
        if record.duplicateCheck { metadata["duplicateCheck"] = "on" }
        let item: OutboxItem
        do {
            item = try record.item()
        } catch {
            logger.error("Unreadable outbox payload; marking failed", metadata: metadata)
            await persist(metadata) { try await self.store.markFailed(id, errcode: nil, error: "unreadable payload: \(error)") }
            return
        }
        let codeExpiry = record.expiresAt ?? record.createdAt.addingTimeInterval(CardUpdateCodes.lifetime)
        if case .cardUpdate = item, now() >= codeExpiry {
            // WeCom would refuse it: the card keeps its buttons, and a tap on them gets the stale answer.
            logger.warning("Card update not sent: its response code has expired", metadata: metadata)
            metrics.outboxFailed.increment()
            await persist(metadata) { try await self.store.markFailed(id, errcode: nil, error: "response code expired") }
            return
        }
        do {
            switch item {
            case .message(let message):
                let result = try await sender.send(
                    message,
                    duplicateCheck: record.duplicateCheck ? DuplicateCheck(interval: Self.duplicateCheckInterval) : nil)
                await persist(metadata) {
                    try await self.store.markSent(
                        id, weComMessageID: result.messageID, responseCode: result.responseCode, now: self.now())
                }
                if !result.invalidUsers.isEmpty {
                    logger.warning(
                        "WeCom did not deliver to some recipients",
                        metadata: metadata.merging(["invalid": "\(result.invalidUsers)"]) { $1 })
                } else {
                    logger.info("Sent", metadata: metadata)
                }
            case .cardUpdate(let update):
                try await sender.update(update)
                await persist(metadata) {
                    try await self.store.markSent(id, weComMessageID: nil, responseCode: nil, now: self.now())
                }
                logger.info("Card updated", metadata: metadata)
            }
            metrics.outboxSent.increment()
        } catch {
            if Task.isCancelled {
                // Shutdown cut the send short: the row stays `sending`, and the next start resends it checked.
                logger.notice("Send cancelled by shutdown; left for the next start", metadata: metadata)
                return
            }
            let codeExpired: Bool
            if case .cardUpdate = item {
                codeExpired = now() >= codeExpiry
            } else {
                codeExpired = false
            }
            if error.isRetryable, !codeExpired {
                let delay = retryDelay(after: record.attempts + 1, error: error)
                logger.warning(
                    "Send failed; will retry",
                    metadata: metadata.merging(["error": "\(error)", "retryIn": "\(delay)"]) { $1 })
                metrics.outboxRetried.increment()
                let at = now().addingTimeInterval(delay / .seconds(1))
                // Without an answer from WeCom (timeout, network, HTTP status) to any attempt of the call, the
                // message may have arrived: the resend is checked, and its budget count stays.
                await persist(metadata) {
                    try await self.store.scheduleRetry(
                        id, at: at, errcode: error.errcode, error: error.description, mayHaveArrived: error.mayHaveArrived)
                }
                return
            }
            if case .cardUpdate = item, codeExpired || error.kind != .configuration {
                // A used or expired response code is expected now and then (an update that arrived
                // before a crash, a card updated from elsewhere) and costs only a stale label.
                logger.warning(
                    "Card update failed for good; its response code may be used or expired",
                    metadata: metadata.merging(["error": "\(error)", "expired": "\(codeExpired)"]) { $1 })
            } else {
                logger.error("Send failed permanently", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
            metrics.outboxFailed.increment()
            await persist(metadata) { try await self.store.markFailed(id, errcode: error.errcode, error: error.description) }
        }
    }

    /// Records a send's outcome: while the database itself is in trouble (a full disk, a locked file),
    /// until it is recorded or the worker stops; other errors three times. A row left `sending` holds its
    /// associate's lane, and is resent, checked, at the next start.
    private func persist(_ metadata: Logger.Metadata, _ write: @Sendable () async throws -> Void) async {
        for attempt in 1... {
            do {
                try await write()
                if attempt > 1 { logger.notice("Recorded a send's outcome after all", metadata: metadata) }
                return
            } catch {
                guard attempt < 3 || StorageFailure(error).isTheDatabasesOwn else {
                    logger.error(
                        "Cannot record a send's outcome; its lane waits for the next start",
                        metadata: metadata.merging(["error": "\(error)"]) { $1 })
                    return
                }
                // Said once, then every minute or so: the database's own trouble is on /readyz.
                if attempt == 1 || attempt % 12 == 0 {
                    logger.error(
                        "Cannot record a send's outcome; trying again",
                        metadata: metadata.merging(["error": "\(StorageFailure(error))", "attempt": "\(attempt)"]) { $1 })
                }
                do {
                    try await Task.sleep(for: .milliseconds(min(200 * attempt, 5000)))
                } catch {
                    return
                }
            }
        }
    }

    /// Exponential backoff from `initialBackoff` up to `maxBackoff`; at least `rateLimitBackoff` after 45009.
    private func retryDelay(after attempts: Int, error: WeComAPIError) -> Duration {
        let exponential = settings.initialBackoff * (1 << min(attempts - 1, 16))
        let delay = min(exponential, settings.maxBackoff) * Double.random(in: 0.8...1.2)
        return error.kind == .rateLimited ? max(delay, settings.rateLimitBackoff) : delay
    }
}
