import Crypto
import Foundation
import PropertyBased
import _CryptoExtras

@testable import WeComAdapter

/// The app the callback properties decode for (Tencent's sample, V1 of the protocol note §11), and
/// the pieces of well-formed and ill-formed callbacks, made as WeCom makes them and then bent.
enum CallbackInputs {
    static let token = "QDG6eK"
    static let aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    static let corpID = "wx5823bf96d3bd56c7"
    static let crypto = try! WeComCrypto(token: token, encodingAESKey: aesKey, receiveID: corpID)
    /// No timestamp window: the properties of the window have their own test.
    static let decoder = CallbackDecoder(crypto: crypto, maxClockSkew: nil)

    /// V1's real ciphertext (pad 30) and its plaintext, a seed for the mutations.
    static let v1Encrypt =
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
    static let v1Message = CallbackMessage(
        corpID: corpID, fromUser: "mycreate", createTime: 1_409_659_813, agentID: "218",
        messageID: WeComMessageID(rawValue: 4_561_255_354_251_345_929), content: .text("hello"))

    /// A signed request: what WeCom puts in the query and the body.
    struct Request: Sendable, CustomStringConvertible {
        var body: Data
        var msgSignature: String
        var timestamp: String
        var nonce: String

        var description: String {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            return "timestamp=\(timestamp) nonce=\(nonce) body(\(body.count) bytes)=\(text)"
        }

        func decode(with decoder: CallbackDecoder = CallbackInputs.decoder, now: Date = Date())
            -> Result<CallbackDecoder.Decoded, CallbackError>
        {
            Result { () throws(CallbackError) in
                try decoder.decode(body: body, msgSignature: msgSignature, timestamp: timestamp, nonce: nonce, now: now)
            }
        }
    }

    /// `encrypted` in the outer XML WeCom posts, signed over exactly `signedPayload` (by default the same).
    static func request(
        encrypted: String, signedPayload: String? = nil, envelope: ((String) -> String)? = nil,
        timestamp: String = "1409659813", nonce: String = "1372623149"
    ) -> Request {
        let wrap =
            envelope ?? { value in
                "<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><Encrypt><![CDATA[\(value)]]></Encrypt>"
                    + "<AgentID><![CDATA[218]]></AgentID></xml>"
            }
        return Request(
            body: Data(wrap(encrypted).utf8),
            msgSignature: crypto.signature(timestamp: timestamp, nonce: nonce, payload: signedPayload ?? encrypted),
            timestamp: timestamp, nonce: nonce)
    }

    /// AES-256-CBC over `plaintext` as it is, no padding added: for plaintexts with padding of the test's own.
    static func encryptRaw(_ plaintext: [UInt8]) -> String {
        let keyBytes = Data(base64Encoded: aesKey + "=")!
        let sealed = try! AES._CBC.encrypt(
            plaintext, using: SymmetricKey(data: keyBytes), iv: try! AES._CBC.IV(ivBytes: keyBytes.prefix(16)),
            noPadding: true)
        return sealed.base64EncodedString()
    }

    /// WeCom's plaintext layout without padding: random(16) ‖ length(4) ‖ message ‖ receiveid.
    static func layout(_ message: [UInt8], receiveID: String = corpID, declaredLength: UInt32? = nil) -> [UInt8] {
        let length = declaredLength ?? UInt32(message.count)
        return Array("0123456789abcdef".utf8)
            + [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            + message + Array(receiveID.utf8)
    }

    // MARK: - Random pieces

    /// Characters a member may type, and the ones that are special to XML, CDATA and Base64.
    static let alphabet: [String] = [
        "a", "Z", "7", " ", "\t", "\n", "调", "拨", "单", "在", "哪", "查", "？", "😀", "👩‍💻", "é", "<", ">", "&", "\"", "'",
        "]]>", "]]", "<![CDATA[", "&amp;", "&#20320;", "=", "+", "/", "%", "\\", "\u{7F}", "\u{FFFD}", "\u{10FFFF}",
    ]

    static func text(_ rng: inout some RandomNumberGenerator, maxLength: Int = 40) -> String {
        let count = Int.random(in: 0...maxLength, using: &rng)
        return (0..<count).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    static func identifier(_ rng: inout some RandomNumberGenerator) -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@")
        return String((0..<Int.random(in: 1...24, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
    }

    /// `value` as WeCom writes it (CDATA, with `]]>` split across sections), or as escaped bare text.
    static func xmlValue(_ value: String, _ rng: inout some RandomNumberGenerator) -> String {
        Bool.random(using: &rng) ? PassiveReply.cdata(value) : escaped(value)
    }

    /// `value` as XML text.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A message of a random kind, with random members, times, ids and texts.
    static func message(_ rng: inout some RandomNumberGenerator) -> CallbackMessage {
        let content: CallbackMessage.Content
        switch Int.random(in: 0..<8, using: &rng) {
        case 0, 1: content = .text(text(&rng, maxLength: 200))
        case 2: content = .image(picURL: "http://p.example/" + identifier(&rng), mediaID: identifier(&rng))
        case 3: content = .voice(mediaID: identifier(&rng), format: "amr")
        case 4: content = .enterAgent
        case 7: content = .video(mediaID: identifier(&rng), thumbMediaID: identifier(&rng))
        case 5: content = .click(eventKey: text(&rng))
        default:
            content = .templateCardEvent(
                TemplateCardEvent(
                    eventKey: text(&rng), taskID: identifier(&rng), cardType: "button_interaction",
                    responseCode: Bool.random(using: &rng) ? identifier(&rng) : nil))
        }
        let isEvent: Bool
        switch content {
        case .enterAgent, .click, .templateCardEvent: isEvent = true
        default: isEvent = false
        }
        return CallbackMessage(
            corpID: corpID, fromUser: identifier(&rng), createTime: Int64.random(in: 0...4_000_000_000, using: &rng),
            agentID: String(Int.random(in: 1...9_999_999, using: &rng)),
            messageID: isEvent ? nil : WeComMessageID(rawValue: UInt64.random(in: .min ... .max, using: &rng)),
            content: content)
    }

    /// The inner XML WeCom would send for `message`, fields in a random order.
    static func xml(for message: CallbackMessage, _ rng: inout some RandomNumberGenerator) -> String {
        var fields: [(String, String)] = [
            ("ToUserName", xmlValue(message.corpID, &rng)), ("FromUserName", xmlValue(message.fromUser, &rng)),
            ("CreateTime", String(message.createTime)),
        ]
        if let agent = message.agentID { fields.append(("AgentID", agent)) }
        if let id = message.messageID { fields.append(("MsgId", String(id.rawValue))) }
        switch message.content {
        case .text(let text):
            fields += [("MsgType", "text"), ("Content", xmlValue(text, &rng))]
        case .image(let url, let media):
            fields += [("MsgType", "image"), ("PicUrl", xmlValue(url, &rng)), ("MediaId", xmlValue(media, &rng))]
        case .voice(let media, let format):
            fields += [("MsgType", "voice"), ("MediaId", xmlValue(media, &rng)), ("Format", format)]
        case .video(let media, let thumb):
            fields += [("MsgType", "video"), ("MediaId", xmlValue(media, &rng)), ("ThumbMediaId", xmlValue(thumb, &rng))]
        case .enterAgent:
            fields += [("MsgType", "event"), ("Event", "enter_agent"), ("EventKey", "<![CDATA[]]>")]
        case .click(let key):
            fields += [("MsgType", "event"), ("Event", "click"), ("EventKey", xmlValue(key, &rng))]
        case .templateCardEvent(let event):
            fields += [
                ("MsgType", "<![CDATA[event]]>"), ("Event", "template_card_event"), ("EventKey", xmlValue(event.eventKey, &rng)),
                ("TaskId", xmlValue(event.taskID, &rng)), ("CardType", event.cardType),
            ]
            if let code = event.responseCode { fields.append(("ResponseCode", xmlValue(code, &rng))) }
        default:
            preconditionFailure("not generated")
        }
        fields.shuffle(using: &rng)
        return "<xml>" + fields.map { "<\($0)>\($1)</\($0)>" }.joined() + "</xml>"
    }
}

/// Runs a property over values made by `make` (no shrinking: the failure message names the seed).
func generator<Value: Sendable>(
    _ make: @escaping @Sendable (inout any SeededRandomNumberGenerator) -> Value
) -> Generator<Value, Shrink.None<Value>> {
    Generator(run: { rng in make(&rng) })
}
