import Foundation
import WeComAdapter

/// Makes callbacks as WeCom sends them: inner XML encrypted for the app, wrapped in the outer
/// envelope, signed, with the query string WeCom uses.
public struct CallbackFixture: Sendable {
    public let crypto: WeComCrypto
    public let corpID: String
    public let agentID: Int

    public init(token: String, encodingAESKey: String, corpID: String, agentID: Int) throws {
        self.crypto = try WeComCrypto(token: token, encodingAESKey: encodingAESKey, receiveID: corpID)
        self.corpID = corpID
        self.agentID = agentID
    }

    /// A callback ready to POST: its query string (msg_signature, timestamp, nonce) and XML body.
    public struct Callback: Sendable {
        public var query: String
        public var body: String

        public init(query: String, body: String) {
            self.query = query
            self.body = body
        }
    }

    public func text(from user: String, _ content: String, msgID: UInt64, createTime: Int64 = 1_700_000_000) throws -> Callback {
        try callback(
            inner: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
                + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[\(content)]]></Content><MsgId>\(msgID)</MsgId><AgentID>\(agentID)</AgentID></xml>")
    }

    public func image(from user: String, msgID: UInt64) throws -> Callback {
        try callback(
            inner: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
                + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[image]]></MsgType>"
                + "<PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
                + "<MsgId>\(msgID)</MsgId><AgentID>\(agentID)</AgentID></xml>")
    }

    /// A voice message (`voice`, AMR) or a video (`video`) from `user`, with the media id `mediaID`.
    public func media(_ type: String, from user: String, mediaID: String, msgID: UInt64) throws -> Callback {
        let fields =
            type == "voice"
            ? "<MediaId><![CDATA[\(mediaID)]]></MediaId><Format><![CDATA[amr]]></Format>"
            : "<MediaId><![CDATA[\(mediaID)]]></MediaId><ThumbMediaId><![CDATA[t-\(mediaID)]]></ThumbMediaId>"
        return try callback(
            inner: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
                + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[\(type)]]></MsgType>\(fields)"
                + "<MsgId>\(msgID)</MsgId><AgentID>\(agentID)</AgentID></xml>")
    }

    /// An event (enter_agent, click …) from `user`.
    public func event(from user: String, _ event: String, createTime: Int64 = 1_700_000_000) throws -> Callback {
        try callback(
            inner: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
                + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[\(event)]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>\(agentID)</AgentID></xml>")
    }

    /// The plaintext XML of an encrypted passive reply (the body of a callback's response).
    public func decryptReply(_ envelope: String) throws -> String {
        guard let start = envelope.range(of: "<Encrypt><![CDATA["), let end = envelope.range(of: "]]></Encrypt>") else {
            return ""
        }
        return try crypto.decrypt(String(envelope[start.upperBound..<end.lowerBound]))
    }

    /// A click on a button of a `button_interaction` card from `user`.
    public func cardClick(
        from user: String, key: String, taskID: String, responseCode: String = "rc-1", createTime: Int64 = 1_700_000_000
    ) throws -> Callback {
        try callback(
            inner: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
                + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[\(key)]]></EventKey>"
                + "<TaskId><![CDATA[\(taskID)]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
                + "<ResponseCode><![CDATA[\(responseCode)]]></ResponseCode><AgentID>\(agentID)</AgentID></xml>")
    }

    public func callback(inner: String, timestamp: String = "1700000000", nonce: String = "1234567") throws -> Callback {
        let encrypted = try crypto.encrypt(inner)
        let signature = crypto.signature(timestamp: timestamp, nonce: nonce, payload: encrypted)
        return Callback(
            query: "msg_signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)",
            body: "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><AgentID><![CDATA[\(agentID)]]></AgentID>"
                + "<Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>")
    }

    /// The query of a URL verification for `echo`, with the echostr percent-encoded as WeCom does.
    public func urlVerification(echo: String, timestamp: String = "1700000000", nonce: String = "7654321") throws -> String {
        let echostr = try crypto.encrypt(echo)
        let signature = crypto.signature(timestamp: timestamp, nonce: nonce, payload: echostr)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = echostr.addingPercentEncoding(withAllowedCharacters: allowed)!
        return "msg_signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)&echostr=\(encoded)"
    }
}
