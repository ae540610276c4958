import Foundation
import WeComAdapter

/// The durable outbox: what is still to be sent.
protocol MessageStore: Sendable {
    /// For each associate, the oldest unsent message if it is due: later ones wait so order holds.
    func dueOutbox(now: Date, limit: Int) async throws -> [OutboxRecord]
    /// When the next pending outbox message falls due, if any.
    func nextOutboxDue() async throws -> Date?
    func markSent(_ outboxID: Int64, weComMessageID: String?, now: Date) async throws
    func scheduleRetry(_ outboxID: Int64, at: Date, errcode: Int?, error: String) async throws
    func markFailed(_ outboxID: Int64, errcode: Int?, error: String) async throws
}
