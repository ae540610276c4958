import Categories
import Foundation
import WeComAdapter

/// Decides what StoreDesk says in reply to one callback.
///
/// Pure: it reads the knowledge base and returns the replies; storing and sending them is the
/// caller's job, so the whole outcome can be committed in one transaction.
struct ConversationEngine: Sendable {
    /// What handling one callback produces.
    struct Outcome: Sendable, Equatable {
        var replies: [String] = []
        var unanswered: UnansweredQuestion?
    }

    let knowledge: LiveKnowledge
    let settings: BotSettings

    func respond(to message: CallbackMessage, messageKey: String, now: Date) -> Outcome {
        switch message.content {
        case .text(let text):
            let question = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !TextNormalizer.normalize(question).isEmpty else {
                return Outcome(replies: [settings.nonTextReply])
            }
            switch knowledge.answerer.decide(question) {
            case .answer(let entry, _):
                return Outcome(replies: [entry.answer])
            case .noConfidentAnswer(let candidates):
                return Outcome(
                    replies: [settings.noConfidentAnswerReply],
                    unanswered: UnansweredQuestion(
                        userID: message.fromUser, text: question, candidates: candidates, messageKey: messageKey,
                        createdAt: now))
            }
        case .image, .voice, .location, .link:
            return Outcome(replies: [settings.nonTextReply])
        case .unsupported(_, nil):
            // An unknown message type (video, file…) is still a message from a person: answer it.
            return Outcome(replies: [settings.nonTextReply])
        case .enterAgent, .click, .templateCardEvent, .unsupported:
            // Events are not questions; the welcome and card handling come with the conversation work.
            return Outcome()
        }
    }
}
