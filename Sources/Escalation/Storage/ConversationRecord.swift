import Foundation
import GRDB

/// One associate's conversation state as stored: the state as JSON, so that a new mode needs no new columns.
struct ConversationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversation"

    var userID: String
    var state: ConversationState
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case state
        case userID = "user_id"
        case updatedAt = "updated_at"
    }
}
