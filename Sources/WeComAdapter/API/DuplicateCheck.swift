/// WeCom's duplicate check for `message/send` (`enable_duplicate_check`, `duplicate_check_interval`).
///
/// With it, WeCom answers ok but does not deliver a request identical to one sent within `interval`
/// (same recipients, type and content). It compares content, not intent: turn it on only for a resend
/// that may already have been delivered, or a legitimate repeat (the same answer asked twice) is dropped.
///
/// ```swift
/// try await client.send(message, duplicateCheck: DuplicateCheck())   // a resend after a crash
/// ```
public struct DuplicateCheck: Sendable, Equatable {
    /// How far back WeCom compares; WeCom's default is 1800 s and its maximum 4 hours.
    public var interval: Duration

    /// WeCom's longest interval.
    public static let maximumInterval: Duration = .seconds(4 * 3600)

    /// - Parameter interval: clamped to 1 s … 4 h, the range WeCom accepts.
    public init(interval: Duration = .seconds(1800)) {
        self.interval = min(max(interval, .seconds(1)), Self.maximumInterval)
    }

    /// The interval in whole seconds, as `duplicate_check_interval` takes it.
    public var intervalSeconds: Int { Int(interval.components.seconds) }
}
