import Categories
import Escalation
import Foundation
import GRDB
import WeComAdapter

/// Applies what handling one message produced across the modules' stores, in one transaction with
/// marking the message handled: the conversation's new state, the question log, hand-overs, feedback
/// and the replies queued in the outbox. A crash leaves either all of it or none (the message is then
/// handled again).
struct MessageTransaction: Sendable {
    let database: any DatabaseWriter
    let inbox: any InboxStore
    let outbox: any OutboxStore
    let conversations: any ConversationStore
    let questionLog: any QuestionLogStore
    let handOvers: any UnansweredQuestionStore

    init(database: any DatabaseWriter) {
        self.database = database
        inbox = DatabaseInboxStore(database: database)
        outbox = DatabaseOutboxStore(writer: database)
        conversations = DatabaseConversationStore()
        questionLog = DatabaseQuestionLogStore(database: database)
        handOvers = DatabaseUnansweredQuestionStore(database: database)
    }

    /// What the bot remembers of the associate's conversation.
    func conversationState(of userID: String) async throws -> ConversationState {
        try await database.read { [conversations] db in try conversations.state(of: userID, in: db) }
    }

    /// Keeps `step` for the message `inboxID` (key `messageKey`) of `userID` and queues `replies`.
    func complete(
        _ inboxID: Int64, messageKey: String, of userID: String, step: ConversationReducer.Step,
        replies: [OutgoingMessage], now: Date
    ) async throws {
        try await database.write { [self] db in
            try outbox.enqueue(replies, inReplyTo: inboxID, at: now, in: db)
            for effect in step.effects {
                switch effect {
                case .reply:
                    break  // rendered into `replies`
                case .logQuestion(let logged):
                    try questionLog.append(
                        QuestionLogRecord(userID: userID, messageKey: messageKey, logged: logged, at: now), in: db)
                case .handOver(let handOver):
                    let assessment = handOver.assessment
                    try handOvers.record(
                        UnansweredQuestion(
                            userID: userID, text: handOver.question, candidates: assessment.candidates.map(\.entry.id),
                            confidence: assessment.confidence, category: assessment.category,
                            reasons: assessment.reasons.map(\.rawValue), messageKey: messageKey, createdAt: now),
                        in: db)
                case .feedback(let answeredMessage, let helpful):
                    try questionLog.rate(messageKey: answeredMessage, helpful: helpful, in: db)
                }
            }
            try conversations.save(step.state, of: userID, at: now, in: db)
            try inbox.markHandled(inboxID, at: now, in: db)
        }
    }
}
