import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import _CryptoExtras

/// Encrypts and signs text callbacks exactly as WeCom does (wecom-protocol.md): AES-256-CBC with the
/// key `base64(EncodingAESKey + "=")`, IV = its first 16 bytes, PKCS#7 padding to 32 bytes, plaintext
/// `random(16) ‖ length(4, big-endian) ‖ xml ‖ corpID`; `msg_signature` = SHA-1 of the sorted
/// token, timestamp, nonce and ciphertext.
struct CallbackForger {
    let token: String
    let corpID: String
    let agentID: Int
    private let key: SymmetricKey
    private let iv: AES._CBC.IV
    private var random: SplitMix64

    init(token: String, encodingAESKey: String, corpID: String, agentID: Int, seed: UInt64) throws {
        guard let keyData = Data(base64Encoded: encodingAESKey + "="), keyData.count == 32 else {
            throw LoadTestError("WECOM_AES_KEY must be 43 characters of Base64 decoding to 32 bytes")
        }
        self.token = token
        self.corpID = corpID
        self.agentID = agentID
        self.key = SymmetricKey(data: keyData)
        self.iv = try AES._CBC.IV(ivBytes: keyData.prefix(16))
        self.random = SplitMix64(seed: seed)
    }

    /// A text message from `user`, ready to POST to `/wecom/callback`.
    mutating func textCallback(from user: String, content: String, msgID: UInt64, now: Date) throws -> Callback {
        let createTime = Int64(now.timeIntervalSince1970)
        let inner =
            "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            + "<Content><![CDATA[\(content)]]></Content><MsgId>\(msgID)</MsgId><AgentID>\(agentID)</AgentID></xml>"
        let encrypted = try encrypt(inner)
        let timestamp = String(createTime)
        let nonce = String(random.next() % 9_000_000_000 + 1_000_000_000)
        let signature = Self.signature([token, timestamp, nonce, encrypted])
        let body =
            "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><AgentID><![CDATA[\(agentID)]]></AgentID>"
            + "<Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>"
        return Callback(
            uri: "/wecom/callback?msg_signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)", body: body)
    }

    private mutating func encrypt(_ message: String) throws -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var plaintext: [UInt8] = (0..<16).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
        let body = Array(message.utf8)
        let length = UInt32(body.count)
        plaintext += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        plaintext += body
        plaintext += Array(corpID.utf8)
        let pad = 32 - plaintext.count % 32
        plaintext += Array(repeating: UInt8(pad), count: pad)
        return try AES._CBC.encrypt(plaintext, using: key, iv: iv, noPadding: true).base64EncodedString()
    }

    static func signature(_ parts: [String]) -> String {
        let digest = Insecure.SHA1.hash(data: Data(parts.sorted().joined().utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// One callback as sent: the request line's URI (signature, timestamp, nonce) and the XML envelope.
struct Callback: Sendable {
    var uri: String
    var body: String
}

/// A small, fast, seedable generator, so that runs send the same bytes.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
