import Foundation
import GRDB

/// Where an associate works, as the WeCom directory says: their store (main department) and the
/// region above it. Cached in `directory_member` and refreshed when older than a day.
struct AssociatePlace: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "directory_member"

    var userID: String
    var name: String?
    /// The name of the associate's main department (their store), when the app may see it.
    var store: String?
    /// The name of the region department above the store (see `DirectorySettings`).
    var region: String?
    /// The member's direct leaders in the directory (`direct_leader`); empty when the corp sets none.
    var directLeaders: [String] = []
    var fetchedAt: Date

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case name, store, region
        case directLeaders = "direct_leaders"
        case fetchedAt = "fetched_at"
    }
}
