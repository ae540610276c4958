import Escalation
import WeComAdapter

extension ConversationInput {
    /// What the associate did, read from a WeCom callback; nil for what is not the bot's business
    /// (menu clicks, unknown events, other cards' buttons).
    init?(_ message: CallbackMessage) {
        switch message.content {
        case .text(let text):
            self = .text(text)
        // What an agent can open goes with it: the picture's URL, the place, the link; and the picture,
        // voice message or video itself, which the app can send on by its media id.
        case .image(let picURL, _):
            self = .nonText("图片", detail: picURL.isEmpty ? nil : picURL, attachment: Attachment(message.content))
        case .voice:
            self = .nonText("语音", attachment: Attachment(message.content))
        case .video:
            self = .nonText("视频", attachment: Attachment(message.content))
        case .location(_, _, _, let label): self = .nonText("位置", detail: label.isEmpty ? nil : label)
        case .link(let title, _, let url, _):
            self = .nonText("链接", detail: [title, url].filter { !$0.isEmpty }.joined(separator: " "))
        case .unsupported(let type, nil):
            // A message from a person that is not text (an unknown type too): ask for words.
            self = .nonText(type == "file" ? "文件" : "非文字消息")
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
        case .nonText, .opened, .tick: false
        }
    }
}
