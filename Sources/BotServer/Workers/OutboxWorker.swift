import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import WeComAdapter

/// Something that delivers an outgoing message: the WeCom API client in production.
protocol MessageSender: Sendable {
    /// Sends `message`, with WeCom's duplicate check when `duplicateCheck` is given.
    func send(_ message: OutgoingMessage, duplicateCheck: DuplicateCheck?) async throws(WeComAPIError)
        -> MessageSendResult
}

extension WeComAPIClient: MessageSender {}

/// Sends the outbox: each associate's messages in order, associates concurrently.
///
/// A failure WeCom may get over (busy, rate limit, network, token) is retried with growing
/// waits and never given up; a permanent one (configuration, payload, recipient) is recorded
/// with its errcode. Unsent messages survive a restart and are sent when the worker starts.
final class OutboxWorker: Service, Sendable {
    private let store: any MessageStore
    private let sender: any MessageSender
    private let settings: OutboxSettings
    private let signal: WorkSignal
    private let logger: Logger
    private let metrics: ServerMetrics
    /// How many associates' messages are sent at once.
    private let batchSize = 32

    init(
        store: any MessageStore, sender: any MessageSender, settings: OutboxSettings, signal: WorkSignal,
        metrics: ServerMetrics, logger: Logger
    ) {
        self.store = store
        self.sender = sender
        self.settings = settings
        self.signal = signal
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        // Graceful shutdown stops the loop between batches; a send under way is finished and
        // recorded rather than cancelled, so it is not sent twice after the restart.
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            while await !stopping.isSet {
                let sent = await sendDueBatch()
                if sent == 0 {
                    await signal.wait(upTo: await idleWait())
                }
            }
        } onGracefulShutdown: {
            Task {
                await stopping.set()
                await self.signal.notify()
            }
        }
    }

    /// Sends what is due; returns how many rows it tried.
    private func sendDueBatch() async -> Int {
        let due: [OutboxRecord]
        do {
            due = try await store.dueOutbox(now: Date(), limit: batchSize)
        } catch {
            logger.error("Cannot read the outbox", metadata: ["error": "\(error)"])
            return 0
        }
        await withDiscardingTaskGroup { group in
            for record in due {
                group.addTask { await self.deliver(record) }
            }
        }
        return due.count
    }

    private func idleWait() async -> Duration {
        guard let next = try? await store.nextOutboxDue() else { return .seconds(5) }
        let seconds = min(max(next.timeIntervalSinceNow, 0.01), 5)
        return .milliseconds(Int(seconds * 1000))
    }

    private func deliver(_ record: OutboxRecord) async {
        guard let id = record.id else { return }
        let metadata: Logger.Metadata = [
            "outbox": "\(id)", "inbox": "\(record.inboxID.map(String.init) ?? "-")", "user": "\(record.userID)",
        ]
        let message: OutgoingMessage
        do {
            message = try record.message()
        } catch {
            logger.error("Unreadable outbox payload; marking failed", metadata: metadata)
            try? await store.markFailed(id, errcode: nil, error: "unreadable payload: \(error)")
            return
        }
        do {
            let result = try await sender.send(message, duplicateCheck: nil)
            try? await store.markSent(id, weComMessageID: result.messageID, now: Date())
            metrics.outboxSent.increment()
            if !result.invalidUsers.isEmpty {
                logger.warning(
                    "WeCom did not deliver to some recipients",
                    metadata: metadata.merging(["invalid": "\(result.invalidUsers)"]) { $1 })
            } else {
                logger.info("Sent", metadata: metadata)
            }
        } catch {
            if error.isRetryable {
                let delay = retryDelay(after: record.attempts + 1, error: error)
                logger.warning(
                    "Send failed; will retry",
                    metadata: metadata.merging(["error": "\(error)", "retryIn": "\(delay)"]) { $1 })
                metrics.outboxRetried.increment()
                try? await store.scheduleRetry(
                    id, at: Date().addingTimeInterval(delay / .seconds(1)), errcode: error.errcode, error: error.description)
            } else {
                logger.error("Send failed permanently", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                metrics.outboxFailed.increment()
                try? await store.markFailed(id, errcode: error.errcode, error: error.description)
            }
        }
    }

    /// Exponential backoff from `initialBackoff` up to `maxBackoff`; at least `rateLimitBackoff` after 45009.
    private func retryDelay(after attempts: Int, error: WeComAPIError) -> Duration {
        let exponential = settings.initialBackoff * (1 << min(attempts - 1, 16))
        let delay = min(exponential, settings.maxBackoff) * Double.random(in: 0.8...1.2)
        return error.kind == .rateLimited ? max(delay, settings.rateLimitBackoff) : delay
    }

    private actor StopFlag {
        private(set) var isSet = false
        func set() { isSet = true }
    }
}
