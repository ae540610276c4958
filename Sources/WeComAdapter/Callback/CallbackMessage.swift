import Foundation

/// A decrypted callback from WeCom: a member's message or an event.
///
/// Decoding never fails for a kind it does not know: that becomes `.unsupported`, so a new WeCom
/// event type cannot break the callback.
public struct CallbackMessage: Sendable, Equatable {
    /// The CorpID (`ToUserName`).
    public var corpID: String
    /// The member's UserID (`FromUserName`).
    public var fromUser: String
    /// When WeCom created the message (`CreateTime`, Unix seconds).
    public var createTime: Int64
    /// The app (`AgentID`), when present.
    public var agentID: String?
    /// WeCom's id of a message; events have none.
    public var messageID: WeComMessageID?
    /// What was sent.
    public var content: Content

    /// What a callback carries.
    public enum Content: Sendable, Equatable {
        case text(String)
        case image(picURL: String, mediaID: String)
        case voice(mediaID: String, format: String)
        case video(mediaID: String, thumbMediaID: String)
        case location(latitude: Double, longitude: Double, scale: Int, label: String)
        case link(title: String, description: String, url: String, picURL: String)
        /// The member opened the app.
        case enterAgent
        /// A menu item was clicked.
        case click(eventKey: String)
        /// A button of an interactive template card was clicked.
        case templateCardEvent(TemplateCardEvent)
        /// A message or event type this adapter does not interpret.
        case unsupported(msgType: String, event: String?)
    }

    public init(
        corpID: String, fromUser: String, createTime: Int64, agentID: String? = nil,
        messageID: WeComMessageID? = nil, content: Content
    ) {
        self.corpID = corpID
        self.fromUser = fromUser
        self.createTime = createTime
        self.agentID = agentID
        self.messageID = messageID
        self.content = content
    }

    /// The key under which WeCom's redeliveries of this callback are recognised: the MsgId for
    /// messages; member, time, event and key for events (which have no MsgId).
    public var dedupeKey: String {
        let agent = agentID ?? ""
        if let messageID { return "msg:\(agent):\(messageID)" }
        return "evt:\(agent):\(fromUser):\(createTime):\(eventName):\(eventKey)"
    }

    private var eventName: String {
        switch content {
        case .enterAgent: "enter_agent"
        case .click: "click"
        case .templateCardEvent: "template_card_event"
        case .unsupported(let type, let event): event ?? type
        default: "message"
        }
    }

    private var eventKey: String {
        switch content {
        case .click(let key): key
        case .templateCardEvent(let event): "\(event.taskID):\(event.eventKey)"
        default: ""
        }
    }
}

/// WeCom's 64-bit id of a message (`MsgId`).
public struct WeComMessageID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A click on a button of an interactive template card (`Event=template_card_event`).
public struct TemplateCardEvent: Sendable, Equatable {
    /// The clicked button's `key`.
    public var eventKey: String
    /// The card's `task_id`.
    public var taskID: String
    /// `button_interaction`, `vote_interaction`, …
    public var cardType: String
    /// Single-use code for `update_template_card`.
    public var responseCode: String?

    public init(eventKey: String, taskID: String, cardType: String, responseCode: String?) {
        self.eventKey = eventKey
        self.taskID = taskID
        self.cardType = cardType
        self.responseCode = responseCode
    }
}
