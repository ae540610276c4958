import Escalation
import WeComAdapter

extension ConversationInput {
    /// What the associate did, read from a WeCom callback; nil for what is not the bot's business
    /// (menu clicks, unknown events, other cards' buttons).
    init?(_ message: CallbackMessage) {
        switch message.content {
        case .text(let text):
            self = .text(text)
        case .image, .voice, .location, .link, .unsupported(_, nil):
            // A message from a person that is not text (an unknown type too): ask for words.
            self = .nonText
        case .enterAgent:
            self = .opened
        case .templateCardEvent(let event):
            guard let action = ChoiceAction(cardKey: event.eventKey) else { return nil }
            self = .chose(action, choiceID: event.taskID)
        case .click, .unsupported:
            return nil
        }
    }

    /// Whether handling it may answer from the knowledge base (a text, or a tap on a choice), so that the
    /// associate's region is worth looking up.
    var mayGetAnAnswer: Bool {
        switch self {
        case .text, .chose: true
        case .nonText, .opened: false
        }
    }
}
