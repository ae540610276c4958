import Categories

/// What the bot says, independent of the channel: `BotServer` renders it as WeCom text and cards (and
/// later as the web chat).
public enum Reply: Sendable, Equatable {
    case text(String)
    /// A numbered list to pick from, by number or (where the channel has them) by button.
    case choices(ChoiceList)
    /// The greeting on opening the app, with the most asked questions numbered.
    case welcome(Welcome)
    /// A picture, voice message or video an agent sent, relayed as it is.
    case attachment(Attachment)
}

/// A numbered list of choices.
public struct ChoiceList: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// What the list shows (an entry's question, a category's name).
        public var label: String
        public var action: ChoiceAction

        public init(label: String, action: ChoiceAction) {
            self.label = label
            self.action = action
        }
    }

    /// Identifies the list (a card's task_id); a tap says which list it came from.
    public var id: String
    public var intro: String
    public var items: [Item]
    /// The line after the list, for channels that show text.
    public var outro: String
    /// The label of a "none of these" choice, when the list offers one.
    public var noneOfThese: String?

    public init(id: String, intro: String, items: [Item], outro: String, noneOfThese: String? = nil) {
        self.id = id
        self.intro = intro
        self.items = items
        self.outro = outro
        self.noneOfThese = noneOfThese
    }

    /// The list as text: intro, "1. …" lines, outro.
    public var text: String { ([intro] + ChoiceList.numbered(items.map(\.label)) + [outro]).joined(separator: "\n") }

    /// "1. …", "2. …": what a reply's number picks.
    public static func numbered(_ lines: [String]) -> [String] {
        lines.enumerated().map { "\($0.offset + 1). \($0.element)" }
    }
}

/// The welcome on opening the app.
public struct Welcome: Sendable, Equatable {
    public var greeting: String
    public var hotQuestionsIntro: String
    /// The most asked questions, numbered from 1 (a number picks one).
    public var hotQuestions: [String]
    public var outro: String

    public init(greeting: String, hotQuestionsIntro: String, hotQuestions: [String], outro: String) {
        self.greeting = greeting
        self.hotQuestionsIntro = hotQuestionsIntro
        self.hotQuestions = hotQuestions
        self.outro = outro
    }

    public var text: String {
        var lines = [greeting]
        if !hotQuestions.isEmpty {
            lines.append(hotQuestionsIntro)
            lines += ChoiceList.numbered(hotQuestions)
        }
        lines.append(outro)
        return lines.joined(separator: "\n")
    }
}
