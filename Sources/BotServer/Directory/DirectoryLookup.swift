import WeComAdapter

/// The directory reads the cache needs; the WeCom API client is the real one.
protocol DirectoryLookup: Sendable {
    func user(id userID: String) async throws(WeComAPIError) -> WeComUser
    func departments(rootID: Int?) async throws(WeComAPIError) -> [WeComDepartment]
}

extension WeComAPIClient: DirectoryLookup {}
