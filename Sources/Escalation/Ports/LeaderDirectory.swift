import GRDB

/// Who a member's direct leaders are, as the chain's directory says (WeCom's `direct_leader`), read
/// inside the caller's transaction from what the server keeps of the directory.
public protocol LeaderDirectory: Sendable {
    /// The member's direct leaders, first the one to tell; empty when the directory names none or
    /// the member has not been read yet.
    func directLeaders(of userID: String, in db: Database) throws -> [String]
}
