/// An access token and when this client stops using it.
public struct AccessToken: Sendable, Equatable {
    public var value: String
    /// The monotonic instant after which a new token is fetched.
    public var refreshAt: ContinuousClock.Instant

    public init(value: String, refreshAt: ContinuousClock.Instant) {
        self.value = value
        self.refreshAt = refreshAt
    }
}
