import Foundation

extension CallbackMessage {
    /// Decodes the decrypted inner XML of a callback.
    ///
    /// - Throws: `WeComDecodingError` when the XML is malformed or lacks the fields every callback
    ///   has (`FromUserName`, `CreateTime`, `MsgType`); unknown types decode as `.unsupported`.
    public init(xml: String) throws(WeComDecodingError) {
        let fields = try XMLFields.parse(Data(xml.utf8))
        func required(_ name: String) throws(WeComDecodingError) -> String {
            guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw .missingField(name)
            }
            return value
        }
        func text(_ name: String) -> String { fields[name] ?? "" }

        let fromUser = try required("FromUserName")
        let createTimeText = try required("CreateTime")
        guard let createTime = Int64(createTimeText) else { throw .invalidField("CreateTime", createTimeText) }
        let msgType = try required("MsgType")

        var messageID: WeComMessageID?
        if let raw = fields["MsgId"]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty {
            guard let value = UInt64(raw) else { throw .invalidField("MsgId", raw) }
            messageID = WeComMessageID(rawValue: value)
        }

        let content: Content
        switch msgType {
        case "text":
            content = .text(text("Content"))
        case "image":
            content = .image(picURL: text("PicUrl"), mediaID: text("MediaId"))
        case "voice":
            content = .voice(mediaID: text("MediaId"), format: text("Format"))
        case "video":
            content = .video(mediaID: text("MediaId"), thumbMediaID: text("ThumbMediaId"))
        case "location":
            content = .location(
                latitude: Double(text("Location_X")) ?? 0, longitude: Double(text("Location_Y")) ?? 0,
                scale: Int(text("Scale")) ?? 0, label: text("Label"))
        case "link":
            content = .link(
                title: text("Title"), description: text("Description"), url: text("Url"), picURL: text("PicUrl"))
        case "event":
            let event = try required("Event")
            switch event {
            case "enter_agent":
                content = .enterAgent
            case "click":
                content = .click(eventKey: text("EventKey"))
            case "template_card_event":
                content = .templateCardEvent(
                    TemplateCardEvent(
                        eventKey: text("EventKey"), taskID: text("TaskId"), cardType: text("CardType"),
                        responseCode: fields["ResponseCode"]))
            default:
                content = .unsupported(msgType: msgType, event: event)
            }
        default:
            content = .unsupported(msgType: msgType, event: nil)
        }
        self.init(
            corpID: text("ToUserName"), fromUser: fromUser, createTime: createTime,
            agentID: fields["AgentID"], messageID: messageID, content: content)
    }
}
