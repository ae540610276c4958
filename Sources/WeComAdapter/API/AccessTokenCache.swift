/// Caches the app's access token and refreshes it at most once at a time.
///
/// Every caller that needs a token while a refresh is under way waits for that refresh instead of
/// starting its own, so a burst of sends after expiry costs exactly one `gettoken`.
actor AccessTokenCache {
    typealias Fetch = @Sendable () async throws(WeComAPIError) -> AccessToken

    private let fetch: Fetch
    private var current: AccessToken?
    private var refresh: Task<AccessToken, any Error>?

    init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    /// A token that has not reached its refresh time, fetching one if needed.
    func token() async throws(WeComAPIError) -> String {
        if let current, ContinuousClock.now < current.refreshAt {
            return current.value
        }
        return try await refreshed()
    }

    /// Forgets `rejected` if it is still the cached token (WeCom said it is invalid or expired);
    /// a token another caller has already replaced is left alone.
    func invalidate(_ rejected: String) {
        if current?.value == rejected {
            current = nil
        }
    }

    private func refreshed() async throws(WeComAPIError) -> String {
        let task: Task<AccessToken, any Error>
        if let refresh {
            task = refresh
        } else {
            let fetch = self.fetch
            task = Task { try await fetch() }
            refresh = task
        }
        do {
            let token = try await task.value
            current = token
            refresh = nil
            return token.value
        } catch {
            refresh = nil
            throw error as? WeComAPIError
                ?? WeComAPIError(kind: .transient, errcode: nil, message: "\(error)", path: "/cgi-bin/gettoken")
        }
    }
}
