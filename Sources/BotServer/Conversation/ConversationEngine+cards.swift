import Categories
import Foundation
import WeComAdapter

/// The numbered lists the bot offers, as text and as WeCom cards with a button per item. Typing the
/// number works either way; the card is used when `bot.cards` is on and the list fits WeCom's
/// recommended lengths (else the text, which always renders).
extension ConversationEngine {
    /// WeCom's recommended maximum for a card's `sub_title_text`, in characters.
    static let maxCardListCharacters = 112
    /// WeCom shows at most six buttons, each about ten characters.
    static let maxCardButtons = 6
    static let maxButtonCharacters = 10

    func suggestionText(intro: String, _ entries: [KnowledgeEntry]) -> String {
        ([intro] + numbered(entries.map(\.question)) + [settings.replies.suggestOutro]).joined(separator: "\n")
    }

    func suggestionBody(intro: String, _ entries: [KnowledgeEntry], taskID: String) -> OutgoingMessage.Body {
        let list = numbered(entries.map(\.question)).joined(separator: "\n")
        guard settings.cards, list.count <= Self.maxCardListCharacters else {
            return .text(suggestionText(intro: intro, entries))
        }
        let buttons = entries.indices.map {
            TemplateCard.Button(text: "\($0 + 1)", style: 1, key: CardAction.pick(entries[$0].id).key)
        }
        let none = TemplateCard.Button(text: label(settings.replies.noneOfTheseButton), style: 2, key: CardAction.noneOfThese.key)
        return .templateCard(
            TemplateCard(
                mainTitle: .init(title: intro), subTitleText: list, taskID: taskID, buttons: buttons + [none]))
    }

    func categoryChoiceText(_ categories: [Category]) -> String {
        ([settings.replies.clarifyCategory] + numbered(categories.map(\.name)) + [settings.replies.clarifyOutro])
            .joined(separator: "\n")
    }

    func categoryChoiceBody(_ categories: [Category], taskID: String) -> OutgoingMessage.Body {
        let list = numbered(categories.map(\.name)).joined(separator: "\n")
        guard settings.cards, !categories.isEmpty, categories.count <= Self.maxCardButtons,
            list.count <= Self.maxCardListCharacters
        else {
            return .text(categoryChoiceText(categories))
        }
        let buttons = categories.map {
            TemplateCard.Button(text: label($0.name), style: 1, key: CardAction.category($0.id).key)
        }
        return .templateCard(
            TemplateCard(
                mainTitle: .init(title: settings.replies.clarifyCategory), subTitleText: list,
                taskID: taskID, buttons: buttons))
    }

    /// "1. …", "2. …": what a reply's number picks.
    func numbered(_ lines: [String]) -> [String] { lines.enumerated().map { "\($0.offset + 1). \($0.element)" } }

    private func label(_ text: String) -> String { String(text.prefix(Self.maxButtonCharacters)) }
}
