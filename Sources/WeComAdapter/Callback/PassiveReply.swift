import Foundation

/// The plaintext XML of a passive reply: the body WeCom shows to the member when it comes back
/// in the callback's response (encrypt it with `WeComCrypto.encryptedReply`).
public enum PassiveReply {
    /// A text reply to `toUser` (a member) from `corpID`.
    public static func text(toUser: String, corpID: String, content: String, createTime: Int64) -> String {
        "<xml><ToUserName>\(cdata(toUser))</ToUserName><FromUserName>\(cdata(corpID))</FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            + "<Content>\(cdata(content))</Content></xml>"
    }

    /// The answer to a `template_card_event` that greys out the clicked button with a new label.
    public static func updateButton(toUser: String, corpID: String, replaceName: String, createTime: Int64) -> String {
        "<xml><ToUserName>\(cdata(toUser))</ToUserName><FromUserName>\(cdata(corpID))</FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[update_button]]></MsgType>"
            + "<Button><ReplaceName>\(cdata(replaceName))</ReplaceName></Button></xml>"
    }

    /// Wraps `text` in CDATA; a `]]>` inside is split across two sections so it cannot end the block.
    static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }
}
