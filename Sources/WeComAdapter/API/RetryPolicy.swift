/// How often and how patiently the API client repeats a call that failed transiently.
public struct RetryPolicy: Sendable {
    /// Attempts in one call, the first included.
    public var maxAttempts: Int
    /// The wait before the second attempt; each later wait doubles, with jitter.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(8)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with ±25% jitter.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 20)
        let base = min(initialBackoff * (1 << exponent), maxBackoff)
        let jitter = Double.random(in: 0.75...1.25)
        return base * jitter
    }

    /// Three attempts, 0.5 s then 1 s apart.
    public static let standard = RetryPolicy()
}
