import Foundation
import Testing

@testable import WeComAdapter

@Suite("Decoding WeCom callbacks")
struct CallbackDecodingTests {
    private func xml(_ fields: String, type: String = "text") -> String {
        "<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
            + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[\(type)]]></MsgType>\(fields)<AgentID>1000002</AgentID></xml>"
    }

    @Test("A text message with a MsgId above 2^62 keeps all 64 bits")
    func text() throws {
        let message = try CallbackMessage(xml: xml("<Content><![CDATA[调拨单在哪查]]></Content><MsgId>7000000000000000001</MsgId>"))
        #expect(message.content == .text("调拨单在哪查"))
        #expect(message.messageID?.rawValue == 7_000_000_000_000_000_001)
        #expect(message.dedupeKey == "msg:1000002:7000000000000000001")
        #expect(message.createTime == 1_700_000_000)
        #expect(message.agentID == "1000002")
    }

    @Test("CDATA containing markup characters and bare text both decode")
    func cdataAndBareText() throws {
        let message = try CallbackMessage(xml: xml("<Content><![CDATA[a<b>&c]]></Content><MsgId>1</MsgId>"))
        #expect(message.content == .text("a<b>&c"))
        let bare = try CallbackMessage(xml: xml("<Content>a &amp; b</Content><MsgId>2</MsgId>"))
        #expect(bare.content == .text("a & b"))
    }

    @Test("Image, voice, video, location and link messages")
    func mediaMessages() throws {
        #expect(
            try CallbackMessage(xml: xml("<PicUrl>http://p</PicUrl><MediaId>m</MediaId><MsgId>3</MsgId>", type: "image")).content
                == .image(picURL: "http://p", mediaID: "m"))
        #expect(
            try CallbackMessage(xml: xml("<MediaId>v</MediaId><Format>amr</Format><MsgId>4</MsgId>", type: "voice")).content
                == .voice(mediaID: "v", format: "amr"))
        #expect(
            try CallbackMessage(xml: xml("<MediaId>vd</MediaId><ThumbMediaId>th</ThumbMediaId><MsgId>6</MsgId>", type: "video"))
                .content == .video(mediaID: "vd", thumbMediaID: "th"))
        #expect(
            try CallbackMessage(
                xml: xml(
                    "<Location_X>31.23</Location_X><Location_Y>121.47</Location_Y><Scale>15</Scale><Label><![CDATA[南京路]]></Label><MsgId>5</MsgId>",
                    type: "location")
            ).content == .location(latitude: 31.23, longitude: 121.47, scale: 15, label: "南京路"))
        #expect(
            try CallbackMessage(
                xml: xml(
                    "<Title>t</Title><Description>d</Description><Url>http://u</Url><PicUrl>http://p</PicUrl><MsgId>6</MsgId>",
                    type: "link")
            ).content == .link(title: "t", description: "d", url: "http://u", picURL: "http://p"))
    }

    @Test("enter_agent, click and template_card_event events, keyed without a MsgId")
    func events() throws {
        let enter = try CallbackMessage(
            xml: xml("<Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey>", type: "event"))
        #expect(enter.content == .enterAgent)
        #expect(enter.messageID == nil)
        #expect(enter.dedupeKey == "evt:1000002:zhangsan:1700000000:enter_agent:")
        let click = try CallbackMessage(xml: xml("<Event>click</Event><EventKey>hot_questions</EventKey>", type: "event"))
        #expect(click.content == .click(eventKey: "hot_questions"))
        let card = try CallbackMessage(
            xml: xml(
                "<Event>template_card_event</Event><EventKey>claim:4711</EventKey><TaskId>tkt-4711</TaskId>"
                    + "<CardType>button_interaction</CardType><ResponseCode>RC1</ResponseCode>"
                    + "<SelectedItems><SelectedItem><QuestionKey>q</QuestionKey></SelectedItem></SelectedItems>",
                type: "event"))
        #expect(
            card.content
                == .templateCardEvent(
                    TemplateCardEvent(
                        eventKey: "claim:4711", taskID: "tkt-4711", cardType: "button_interaction", responseCode: "RC1")))
        #expect(card.dedupeKey != click.dedupeKey)
    }

    @Test("Unknown message and event types decode as unsupported, not as errors")
    func unsupported() throws {
        #expect(
            try CallbackMessage(xml: xml("<MediaId>x</MediaId><MsgId>7</MsgId>", type: "file")).content
                == .unsupported(msgType: "file", event: nil))
        #expect(
            try CallbackMessage(xml: xml("<Event>change_contact</Event>", type: "event")).content
                == .unsupported(msgType: "event", event: "change_contact"))
    }

    @Test("Malformed XML, missing fields and a non-numeric MsgId are errors")
    func errors() {
        #expect(throws: WeComDecodingError.self) { try CallbackMessage(xml: "<xml><FromUserName>a</xml>") }
        #expect(throws: WeComDecodingError.missingField("FromUserName")) {
            try CallbackMessage(xml: "<xml><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>")
        }
        #expect(throws: WeComDecodingError.invalidField("MsgId", "12ab")) {
            try CallbackMessage(xml: xml("<Content>x</Content><MsgId>12ab</MsgId>"))
        }
        #expect(throws: WeComDecodingError.self) { try CallbackMessage(xml: "") }
    }

    @Test("A DTD or entity declaration is refused before parsing (no XXE, no entity expansion)")
    func noEntities() {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <xml><Encrypt>&x;</Encrypt></xml>
            """
        #expect(throws: WeComDecodingError.documentTypeNotAllowed) { try CallbackEnvelope(xml: Data(xxe.utf8)) }
    }

    @Test("A member may type DTD-like text: only a DTD in the prolog is refused")
    func dtdLikeText() throws {
        let message = try CallbackMessage(
            xml: xml("<Content><![CDATA[<!DOCTYPE x [<!ENTITY a \"b\">]>]]></Content><MsgId>9</MsgId>"))
        #expect(message.content == .text(#"<!DOCTYPE x [<!ENTITY a "b">]>"#))
        let withProlog = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE xml><xml><Encrypt>a</Encrypt></xml>"
        #expect(throws: WeComDecodingError.documentTypeNotAllowed) { try CallbackEnvelope(xml: Data(withProlog.utf8)) }
        #expect(!XMLFields.declaresDocumentType(Data("<?xml version=\"1.0\"?><xml/>".utf8)))
    }

    @Test("The envelope yields Encrypt, and requires it")
    func envelope() throws {
        let envelope = try CallbackEnvelope(
            xml: Data(
                "<xml><ToUserName><![CDATA[corp]]></ToUserName><AgentID><![CDATA[218]]></AgentID><Encrypt><![CDATA[abc=]]></Encrypt></xml>"
                    .utf8))
        #expect(envelope == CallbackEnvelope(toUserName: "corp", agentID: "218", encrypted: "abc="))
        #expect(throws: WeComDecodingError.missingField("Encrypt")) {
            try CallbackEnvelope(xml: Data("<xml><ToUserName>corp</ToUserName></xml>".utf8))
        }
    }

    @Test("Passive replies escape a CDATA terminator and decode back")
    func passiveReply() throws {
        let reply = PassiveReply.text(toUser: "zhangsan", corpID: "corp", content: "a]]>b", createTime: 1)
        let fields = try XMLFields.parse(Data(reply.utf8))
        #expect(fields["Content"] == "a]]>b")
        #expect(fields["ToUserName"] == "zhangsan")
        let button = try XMLFields.parse(
            Data(PassiveReply.updateButton(toUser: "u", corpID: "c", replaceName: "已认领", createTime: 1).utf8))
        #expect(button["Button/ReplaceName"] == "已认领")
        #expect(button["MsgType"] == "update_button")
    }
}
