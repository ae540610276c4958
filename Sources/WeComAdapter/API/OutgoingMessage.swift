/// A message the app sends to members through `message/send`.
///
/// Codable in its own stable shape so that a durable outbox can store it and send it later.
public struct OutgoingMessage: Sendable, Equatable, Codable {
    /// The members' UserIDs (at most 1000).
    public var toUsers: [String]
    public var body: Body

    /// What is sent.
    public enum Body: Sendable, Equatable, Codable {
        /// Plain text, at most 2048 UTF-8 bytes (WeCom truncates beyond).
        case text(String)
        /// WeCom's markdown subset.
        case markdown(String)
        /// An interactive card (`button_interaction`).
        case templateCard(TemplateCard)
        /// A picture by its media id (one a member sent the app, valid three days, or an uploaded one).
        case image(mediaID: String)
        /// A voice message (AMR, as members' voice messages arrive) by its media id.
        case voice(mediaID: String)
        /// A video by its media id.
        case video(mediaID: String)
    }

    public init(toUsers: [String], body: Body) {
        self.toUsers = toUsers
        self.body = body
    }

    /// A text message to one member.
    public static func text(_ content: String, to user: String) -> OutgoingMessage {
        OutgoingMessage(toUsers: [user], body: .text(content))
    }

    /// WeCom's limit on the content of a text message, in UTF-8 bytes.
    public static let maxTextBytes = 2048
}

/// An interactive `button_interaction` template card.
public struct TemplateCard: Sendable, Equatable, Codable {
    public var cardType: String
    public var source: Source?
    public var mainTitle: MainTitle
    public var subTitleText: String?
    public var horizontalContentList: [KeyValue]
    /// Unique per app; `[0-9A-Za-z_\-@]`, at most 128 bytes. Clicks come back with it.
    public var taskID: String
    /// One to six buttons.
    public var buttons: [Button]

    public init(
        source: Source? = nil, mainTitle: MainTitle, subTitleText: String? = nil,
        horizontalContentList: [KeyValue] = [], taskID: String, buttons: [Button]
    ) {
        self.cardType = "button_interaction"
        self.source = source
        self.mainTitle = mainTitle
        self.subTitleText = subTitleText
        self.horizontalContentList = horizontalContentList
        self.taskID = taskID
        self.buttons = buttons
    }

    public struct Source: Sendable, Equatable, Codable {
        public var desc: String
        public init(desc: String) { self.desc = desc }
    }

    public struct MainTitle: Sendable, Equatable, Codable {
        public var title: String
        public var desc: String?
        public init(title: String, desc: String? = nil) {
            self.title = title
            self.desc = desc
        }
    }

    public struct KeyValue: Sendable, Equatable, Codable {
        public var keyname: String
        public var value: String
        public init(keyname: String, value: String) {
            self.keyname = keyname
            self.value = value
        }
    }

    public struct Button: Sendable, Equatable, Codable {
        /// The label (about 10 characters at most).
        public var text: String
        /// 1 emphasis, 2 secondary, 3 neutral, 4 negative.
        public var style: Int
        /// Returned as `EventKey` when clicked; unique within the card.
        public var key: String
        public init(text: String, style: Int = 1, key: String) {
            self.text = text
            self.style = style
            self.key = key
        }
    }

    enum CodingKeys: String, CodingKey {
        case cardType = "card_type"
        case source
        case mainTitle = "main_title"
        case subTitleText = "sub_title_text"
        case horizontalContentList = "horizontal_content_list"
        case taskID = "task_id"
        case buttons = "button_list"
    }
}
