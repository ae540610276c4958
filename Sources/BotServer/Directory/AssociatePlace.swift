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
    var fetchedAt: Date

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case name, store, region
        case fetchedAt = "fetched_at"
    }
}
