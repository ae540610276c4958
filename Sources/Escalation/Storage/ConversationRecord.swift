import Foundation
import GRDB

/// One associate's conversation state as stored: the state as JSON, so that a new mode needs no new columns.
struct ConversationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversation"

    var userID: String
    var state: ConversationState
    var updatedAt: Date
    /// When the conversation needs the bot without a message (`ConversationState.dueAt`).
    var dueAt: Date?

    enum CodingKeys: String, CodingKey {
        case state
        case userID = "user_id"
        case updatedAt = "updated_at"
        case dueAt = "due_at"
    }
}
