/// The WeCom app the API client acts for.
public struct WeComAPIConfiguration: Sendable {
    /// The API host, `https://qyapi.weixin.qq.com` in production.
    public var baseURL: String
    public var corpID: String
    /// The app's AgentID (an integer in every request body).
    public var agentID: Int
    /// The app's Secret; never logged.
    public var secret: String
    /// How long before WeCom's `expires_in` a token is replaced.
    public var tokenRefreshMargin: Duration
    /// Retries inside one call for transient failures.
    public var retryPolicy: RetryPolicy
    /// Timeout of one HTTP request.
    public var requestTimeout: Duration
    /// Timeout of a `gettoken` request. Short: WeCom answers it at once, and every caller sharing the
    /// token waits for it, also one with a shorter `requestTimeout` (a directory lookup in front of an
    /// associate's answer) — an unreachable WeCom must not hold them for the outbox's longer timeout.
    public var tokenRequestTimeout: Duration = .seconds(3)

    public init(
        baseURL: String = "https://qyapi.weixin.qq.com", corpID: String, agentID: Int, secret: String,
        tokenRefreshMargin: Duration = .seconds(200), retryPolicy: RetryPolicy = .standard,
        requestTimeout: Duration = .seconds(10)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.corpID = corpID
        self.agentID = agentID
        self.secret = secret
        self.tokenRefreshMargin = tokenRefreshMargin
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
    }
}
