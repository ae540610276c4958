import Categories
import Escalation
import WeComAdapter

/// Renders the conversation's channel-neutral replies as WeCom messages: texts (split at WeCom's 2048
/// bytes) and, for lists, `button_interaction` cards with a button per item. Typing the number works
/// either way; a card is used when `cards` is on and the list fits WeCom's recommended lengths (else the
/// text, which always renders).
struct WeComReplyRenderer: Sendable {
    /// WeCom's recommended maximum for a card's `sub_title_text`, in characters.
    static let maxCardListCharacters = 112
    /// WeCom shows at most six buttons, each about ten characters.
    static let maxCardButtons = 6
    static let maxButtonCharacters = 10

    var cards: Bool

    /// The messages that say `replies` to `user`, in order, written in `script`: the bot's texts and the
    /// knowledge base are simplified, and an associate who writes traditional reads traditional.
    func messages(_ replies: [Reply], to user: String, in script: ChineseScript = .simplified) -> [OutgoingMessage] {
        replies.flatMap { reply -> [OutgoingMessage] in
            switch body(Self.written(reply, in: script)) {
            case .text(let text):
                TextSplitter.split(text, maxBytes: OutgoingMessage.maxTextBytes).map { OutgoingMessage.text($0, to: user) }
            case let body:
                [OutgoingMessage(toUsers: [user], body: body)]
            }
        }
    }

    /// `reply` with every text the associate reads (not the buttons' keys) in `script`.
    static func written(_ reply: Reply, in script: ChineseScript) -> Reply {
        guard script != .simplified else { return reply }
        let write = script.writing
        switch reply {
        case .text(let text):
            return .text(write(text))
        case .choices(var list):
            list.intro = write(list.intro)
            list.items = list.items.map { ChoiceList.Item(label: write($0.label), action: $0.action) }
            list.outro = write(list.outro)
            list.noneOfThese = list.noneOfThese.map(write)
            return .choices(list)
        case .welcome(var welcome):
            welcome.greeting = write(welcome.greeting)
            welcome.hotQuestionsIntro = write(welcome.hotQuestionsIntro)
            welcome.hotQuestions = welcome.hotQuestions.map(write)
            welcome.outro = write(welcome.outro)
            return .welcome(welcome)
        case .attachment:
            return reply
        }
    }

    /// The reply as text (what a channel without cards shows).
    func text(_ reply: Reply) -> String {
        switch reply {
        case .text(let text): text
        case .welcome(let welcome): welcome.text
        case .choices(let list): list.text
        case .attachment(let attachment): "[\(attachment.kind.label)]"
        }
    }

    func body(_ reply: Reply) -> OutgoingMessage.Body {
        if case .choices(let list) = reply, let card = card(list) { return card }
        if case .attachment(let attachment) = reply { return OutgoingMessage.Body(attachment) }
        return .text(text(reply))
    }

    /// The list as a card, when cards are on and it fits.
    private func card(_ list: ChoiceList) -> OutgoingMessage.Body? {
        let lines = ChoiceList.numbered(list.items.map(\.label)).joined(separator: "\n")
        guard cards, !list.items.isEmpty, lines.count <= Self.maxCardListCharacters else { return nil }
        var buttons = list.items.enumerated().map { index, item in
            switch item.action {
            // Entries are long questions: their buttons carry the number.
            case .pick: TemplateCard.Button(text: "\(index + 1)", style: 1, key: item.action.cardKey)
            case .category, .noneOfThese, .requestPerson, .rate:
                TemplateCard.Button(text: label(item.label), style: 1, key: item.action.cardKey)
            }
        }
        if let none = list.noneOfThese {
            buttons.append(TemplateCard.Button(text: label(none), style: 2, key: ChoiceAction.noneOfThese.cardKey))
        }
        guard buttons.count <= Self.maxCardButtons else { return nil }
        return .templateCard(
            TemplateCard(mainTitle: .init(title: list.intro), subTitleText: lines, taskID: list.id, buttons: buttons))
    }

    private func label(_ text: String) -> String { String(text.prefix(Self.maxButtonCharacters)) }
}
