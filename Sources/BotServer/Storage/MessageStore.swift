import Categories
import Foundation
import WeComAdapter

/// The durable inbox and outbox: what has been accepted from WeCom and what is still to be sent.
protocol MessageStore: Sendable {
    /// Stores an accepted callback unless its dedupe key is already stored.
    /// - Returns: false for a redelivery.
    func accept(dedupeKey: String, userID: String, xml: String, receivedAt: Date) async throws -> Bool
    /// Associates with messages still to be handled, oldest first.
    func usersWithPendingMessages() async throws -> [String]
    /// The associate's oldest message still to be handled.
    func nextPendingMessage(of userID: String) async throws -> InboxRecord?
    /// Marks a message handled, queues its replies and keeps what the conversation changed, in one transaction.
    func complete(_ inboxID: Int64, replies: [OutgoingMessage], conversation: ConversationEngine.Outcome?, now: Date)
        async throws
    /// What the bot remembers of an associate's conversation.
    func conversationState(of userID: String) async throws -> ConversationState
    /// The entries answered most often since `since`, most first.
    func mostAnsweredEntries(since: Date, limit: Int) async throws -> [String]
    /// Records a failed attempt to handle a message; `giveUp` marks it failed for a person to look at.
    func recordFailure(of inboxID: Int64, error: String, giveUp: Bool) async throws
}
