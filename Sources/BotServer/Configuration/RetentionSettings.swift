import Foundation

/// How long handled messages are kept (`retention` in storedesk.yaml). The question log, tickets and
/// their transcripts are kept whatever this says: only the inbox and the outbox, whose work is done, go.
struct RetentionSettings: Sendable, Equatable {
    /// Handled inbox rows and sent or failed outbox rows older than this are removed; nil keeps them.
    var keep: Duration? = .seconds(30 * 86400)
    /// How often the sweeper looks; nil: never (tests that drive it themselves).
    var sweepInterval: Duration? = .seconds(3600)
    /// Rows removed per transaction: small, so the callbacks' acks never wait long behind a sweep.
    var batchSize = 500

    mutating func apply(_ file: ConfigurationFile.Retention) {
        if let days = file.inboxOutboxDays { keep = days > 0 ? .seconds(days * 86400) : nil }
    }
}
