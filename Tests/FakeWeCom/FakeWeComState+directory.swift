extension FakeWeComState {
    /// Adds members to the directory (WeCom delivers only to members it knows).
    public func addUsers(_ members: [[String: any Sendable]]) {
        users += members
    }
}
