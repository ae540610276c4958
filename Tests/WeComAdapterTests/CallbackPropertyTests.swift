import Foundation
import PropertyBased
import Testing

@testable import WeComAdapter

/// Properties of the whole callback decoding (Base64, AES, padding, layout, outer and inner XML) over
/// generated callbacks, each signed after it was bent so that it gets past the signature: decoding
/// never crashes, it yields the message or a `CallbackError` that names what is wrong, and a valid
/// message round-trips. A failure prints the seed that repeats it (`.fixedSeed("…")`).
@Suite("Callback decoding properties")
struct CallbackPropertyTests {
    typealias Inputs = CallbackInputs

    @Test("V1, Tencent's own sample, decodes to its message")
    func v1() throws {
        let request = Inputs.Request(
            body: Data(
                "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[\(Inputs.v1Encrypt)]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
                    .utf8),
            msgSignature: "477715d11cdb4164915debcba66cb864d751f3e6", timestamp: "1409659813", nonce: "1372623149")
        #expect(try request.decode().get().message == Inputs.v1Message)
    }

    @Test("A generated message of any kind, encrypted and signed as WeCom does, decodes to itself")
    func roundTrip() async {
        let input = generator { rng -> (CallbackMessage, String, Inputs.Request) in
            let message = Inputs.message(&rng)
            let xml = Inputs.xml(for: message, &rng)
            let prefix = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            let encrypted = try! Inputs.crypto.encrypt(xml, randomPrefix: prefix)
            let request = Inputs.request(
                encrypted: encrypted, timestamp: String(Int64.random(in: 0...4_000_000_000, using: &rng)),
                nonce: Inputs.identifier(&rng))
            return (message, xml, request)
        }
        await propertyCheck(count: 300, input: input) { message, xml, request in
            let decoded = request.decode()
            #expect(decoded == .success(CallbackDecoder.Decoded(message: message, xml: xml)), "\(xml)")
        }
    }

    @Test("Mutated ciphertexts (bits flipped, truncated, extended, blocks swapped) yield the message or a typed error")
    func mutatedCiphertext() async {
        let input = generator { rng -> (original: [UInt8], mutated: [UInt8]) in
            let original: [UInt8]
            if Bool.random(using: &rng) {
                original = Array(Data(base64Encoded: Inputs.v1Encrypt)!)
            } else {
                let xml = Inputs.xml(for: Inputs.message(&rng), &rng)
                original = Array(Data(base64Encoded: try! Inputs.crypto.encrypt(xml))!)
            }
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0, 1:
                    let index = Int.random(in: bytes.indices, using: &rng)
                    bytes[index] ^= UInt8.random(in: 1...255, using: &rng)
                case 2:
                    bytes.removeLast(Int.random(in: 0...min(64, bytes.count - 1), using: &rng))
                case 3:
                    bytes += (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
                case 4 where bytes.count >= 64 && bytes.count % 32 == 0:
                    let blocks = bytes.count / 32
                    let (a, b) = (Int.random(in: 0..<blocks, using: &rng), Int.random(in: 0..<blocks, using: &rng))
                    let blockA = Array(bytes[(a * 32)..<(a * 32 + 32)])
                    bytes.replaceSubrange((a * 32)..<(a * 32 + 32), with: bytes[(b * 32)..<(b * 32 + 32)])
                    bytes.replaceSubrange((b * 32)..<(b * 32 + 32), with: blockA)
                default:
                    bytes = Array(bytes.prefix(32 * Int.random(in: 0...(bytes.count / 32), using: &rng)))
                }
            }
            return (original, bytes)
        }
        await propertyCheck(count: 400, input: input) { original, mutated in
            let request = Inputs.request(encrypted: Data(mutated).base64EncodedString())
            switch request.decode() {
            case .success(let decoded):
                // Only the random prefix is free to change without a trace.
                #expect(mutated.count == original.count)
                #expect(!decoded.message.fromUser.isEmpty)
            case .failure(let error):
                if mutated.isEmpty {
                    #expect(error == .decoding(.missingField("Encrypt")))
                } else if mutated.count % 32 != 0 {
                    #expect(error == .crypto(.invalidCiphertextLength(mutated.count)))
                } else {
                    #expect(mutated != original, "the unchanged ciphertext failed: \(error)")
                }
            }
        }
    }

    @Test("Padding: only a last byte n in 1…32 repeated n times is accepted, and it is taken off exactly")
    func padding() async {
        let input = generator { rng -> (message: CallbackMessage, unpadded: [UInt8], padding: [UInt8]) in
            let message = Inputs.message(&rng)
            let unpadded = Inputs.layout(Array(Inputs.xml(for: message, &rng).utf8))
            let proper = 32 - unpadded.count % 32
            var padding: [UInt8]
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:
                padding = Array(repeating: UInt8(proper), count: proper)
            case 1:
                // The right length, one byte disagreeing.
                padding = Array(repeating: UInt8(proper), count: proper)
                padding[Int.random(in: padding.indices, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 2:
                // A pad value out of range: 0, or 33 and above.
                let value = Bool.random(using: &rng) ? 0 : UInt8.random(in: 33...255, using: &rng)
                padding = Array(repeating: value, count: proper)
            case 3:
                // Another block's worth: a consistent pad that claims more or fewer bytes than were added.
                padding = Array(repeating: UInt8(proper), count: proper)
                padding[padding.count - 1] = UInt8.random(in: 1...32, using: &rng)
            default:
                padding = (0..<proper).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            }
            return (message, unpadded, padding)
        }
        await propertyCheck(count: 400, input: input) { message, unpadded, padding in
            let request = Inputs.request(encrypted: Inputs.encryptRaw(unpadded + padding))
            let last = Int(padding.last!)
            let validPadding = (1...32).contains(last) && (unpadded + padding).suffix(last).allSatisfy { $0 == UInt8(last) }
            let result = request.decode()
            if !validPadding {
                #expect(result.failure == .crypto(.invalidPadding))
            } else if last == padding.count {
                #expect(result.success?.message == message)
            } else {
                // A valid-looking pad of the wrong size cuts into the receiveid or leaves bytes after it.
                #expect(result.failure != nil)
            }
        }
    }

    @Test("The plaintext layout: a length field that lies, another receiveid, bytes that are not UTF-8")
    func plaintextLayout() async {
        let input = generator { rng -> (kind: Int, plaintext: [UInt8]) in
            let xml = Array(Inputs.xml(for: Inputs.message(&rng), &rng).utf8)
            var plaintext: [UInt8]
            let kind = Int.random(in: 0..<4, using: &rng)
            switch kind {
            case 0:
                // A length beyond the data (up to 2^32 - 1): must not read out of bounds.
                let length = UInt32.random(in: UInt32(xml.count + Inputs.corpID.utf8.count + 1)...UInt32.max, using: &rng)
                plaintext = Inputs.layout(xml, declaredLength: length)
            case 1:
                // A shorter length: the rest of the message is taken for the receiveid.
                plaintext = Inputs.layout(xml, declaredLength: UInt32.random(in: 0..<UInt32(xml.count), using: &rng))
            case 2:
                plaintext = Inputs.layout(xml, receiveID: Inputs.identifier(&rng) + "x")
            default:
                var broken = xml
                broken.insert(contentsOf: [0xC3, 0x28, 0xFF], at: Int.random(in: 0...broken.count, using: &rng))
                plaintext = Inputs.layout(broken)
            }
            if Bool.random(using: &rng) { plaintext = Array(plaintext.prefix(Int.random(in: 0...19, using: &rng))) }
            PKCS7Padding32.pad(&plaintext)
            return (kind, plaintext)
        }
        await propertyCheck(count: 300, input: input) { kind, plaintext in
            let result = Inputs.request(encrypted: Inputs.encryptRaw(plaintext)).decode()
            let expected: [CallbackError] =
                switch kind {
                case 0: [.crypto(.invalidPlaintextLayout)]
                case 1, 2: [.crypto(.receiveIDMismatch), .crypto(.invalidPlaintextLayout)]
                default: [.crypto(.invalidUTF8), .crypto(.invalidPlaintextLayout)]
                }
            #expect(result.failure.map(expected.contains) == true, "\(result)")
        }
    }

    @Test("Base64 truncated, oversized, with stray characters or padding: invalidBase64 or a wrong length, never more")
    func base64() async {
        let input = generator { rng -> String in
            var text = Inputs.v1Encrypt
            let stray = ["=", "==", " ", "\n", "\r\n", "-", "_", "*", "é", "\0", "A", "AAAA", "%3D"]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    text = String(text.prefix(Int.random(in: 0...text.count, using: &rng)))
                case 1:
                    text = String(repeating: text, count: Int.random(in: 2...40, using: &rng))
                case 2:
                    let index = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &rng))
                    text.insert(contentsOf: stray.randomElement(using: &rng)!, at: index)
                case 3:
                    text += stray.randomElement(using: &rng)!
                default:
                    text = text.replacingOccurrences(of: "=", with: "")
                }
            }
            return text
        }
        await propertyCheck(count: 400, input: input) { encrypted in
            // The body carries the text in CDATA, so that what is signed is exactly what is parsed.
            let request = Inputs.request(encrypted: encrypted)
            let result = request.decode()
            let parsed = encrypted.trimmingCharacters(in: .whitespacesAndNewlines)
            guard parsed == encrypted, !encrypted.contains("\0"), !encrypted.contains("\r") else {
                // Trimmed, cut at a NUL or with line ends normalised by the XML parser: no longer the signed text.
                #expect(result.failure != nil)
                return
            }
            guard !encrypted.isEmpty else {
                #expect(result.failure == .decoding(.missingField("Encrypt")))
                return
            }
            guard let bytes = Data(base64Encoded: encrypted) else {
                #expect(result.failure == .crypto(.invalidBase64))
                return
            }
            if bytes.isEmpty || bytes.count % 32 != 0 {
                #expect(result.failure == .crypto(.invalidCiphertextLength(bytes.count)))
            } else if bytes == Data(base64Encoded: Inputs.v1Encrypt) {
                #expect(result.success?.message == Inputs.v1Message)
            } else {
                #expect(result.failure != nil)
            }
        }
    }

    @Test("The outer XML with missing, extra, duplicated or odd fields: the message exactly when Encrypt reads as signed")
    func envelope() async {
        let input = generator { rng -> (String, Inputs.Request) in
            let encrypted = Inputs.v1Encrypt
            let encryptValue: String
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: encryptValue = "<![CDATA[\(encrypted)]]>"
            case 1: encryptValue = encrypted  // bare text: Base64 has nothing to escape
            case 2:
                let cut = encrypted.index(encrypted.startIndex, offsetBy: Int.random(in: 0...encrypted.count, using: &rng))
                encryptValue = "<![CDATA[\(encrypted[..<cut])]]><![CDATA[\(encrypted[cut...])]]>"
            case 3: encryptValue = "\n  <![CDATA[\(encrypted)]]>\n"
            case 4: encryptValue = "<![CDATA[\(encrypted)]]><!-- a comment -->"
            default: encryptValue = "<![CDATA[\(encrypted.dropLast(Int.random(in: 1...8, using: &rng)))]]>"
            }
            var fields = [
                "<ToUserName><![CDATA[\(Inputs.corpID)]]></ToUserName>", "<AgentID>218</AgentID>",
                "<Encrypt>\(encryptValue)</Encrypt>",
            ]
            var prolog = ""
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                switch Int.random(in: 0..<9, using: &rng) {
                case 0: fields.removeAll { $0.hasPrefix("<Encrypt>") }
                case 1: fields.append("<Encrypt><![CDATA[QUFBQQ==]]></Encrypt>")  // a second Encrypt, after the first
                case 2: fields.insert("<Encrypt></Encrypt>", at: 0)  // an empty one first
                case 3: fields.append("<Extra a=\"1\"><Nested>\(Inputs.escaped(Inputs.text(&rng)))</Nested></Extra>")
                case 4: fields.append("<Huge>\(String(repeating: "x", count: Int.random(in: 1...300_000, using: &rng)))</Huge>")
                case 5: prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                case 6: prolog = "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\">]>"
                case 7: fields.append("<Unclosed>")
                default: fields.shuffle(using: &rng)
                }
            }
            let body = prolog + "<xml>" + fields.joined() + "</xml>"
            return (encryptValue, Inputs.request(encrypted: encrypted, envelope: { _ in body }))
        }
        await propertyCheck(count: 300, input: input) { _, request in
            let body = String(decoding: request.body, as: UTF8.self)
            let result = request.decode()
            if body.contains("<!DOCTYPE") {
                #expect(result.failure == .decoding(.documentTypeNotAllowed))
            } else if body.contains("<Unclosed>") {
                #expect(result.failure.map { if case .decoding(.malformedXML) = $0 { true } else { false } } == true)
            } else if case .success(let decoded) = result {
                #expect(decoded.message == Inputs.v1Message)
            } else {
                // Missing, empty first or cut: never decoded as another message.
                #expect(result.failure != nil)
            }
        }
    }

    @Test("The inner XML with fields missing, duplicated, extra, odd or huge: the message a model of the fields predicts")
    func innerXML() async {
        let input = generator { rng -> [(String, String)] in
            // Each field as (name, raw XML text); the decoder reads the first of each name.
            var fields: [(String, String)] = [
                ("ToUserName", "<![CDATA[\(Inputs.corpID)]]>"),
                ("FromUserName", Bool.random(using: &rng) ? "<![CDATA[zhangsan]]>" : " zhangsan\n"),
                ("CreateTime", "1700000000"), ("MsgType", "<![CDATA[text]]>"),
                ("Content", Inputs.xmlValue(Inputs.text(&rng), &rng)), ("MsgId", "7000000000000000001"),
                ("AgentID", "1000002"),
            ]
            let odd = [
                "", " ", "-1", "18446744073709551616", "9223372036854775808", "1e3", "0x10", "<![CDATA[]]>",
                "<![CDATA[12]]><![CDATA[34]]>", "&#49;&#50;", "<![CDATA[ 42 ]]>", "abc",
            ]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let index = Int.random(in: fields.indices, using: &rng)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: fields.remove(at: index)
                case 1: fields.insert(fields[index], at: Int.random(in: 0...fields.count, using: &rng))
                case 2: fields[index].1 = odd.randomElement(using: &rng)!
                case 3:
                    fields.insert(
                        (fields[index].0, odd.randomElement(using: &rng)!), at: Int.random(in: 0...fields.count, using: &rng))
                case 4:
                    fields.append(
                        ("Content", "<![CDATA[\(String(repeating: "调", count: Int.random(in: 1...100_000, using: &rng)))]]>"))
                default:
                    let name = String(Inputs.identifier(&rng).filter(\.isLetter).prefix(8)) + "X"
                    fields.append((name, Inputs.xmlValue(Inputs.text(&rng), &rng)))
                }
            }
            return fields
        }
        await propertyCheck(count: 300, input: input) { fields in
            let xml = "<xml>" + fields.map { "<\($0)>\($1)</\($0)>" }.joined() + "</xml>"
            let encrypted = try Inputs.crypto.encrypt(xml)
            let result = Inputs.request(encrypted: encrypted).decode()
            #expect(result == Self.model(fields, xml: xml), "\(xml.prefix(400))")
        }
    }

    @Test("The timestamp window: accepted exactly within the allowed seconds either way, whatever the text")
    func timestampWindow() async {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let decoder = CallbackDecoder(crypto: Inputs.crypto, maxClockSkew: .seconds(3600))
        let input = generator { rng -> String in
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: String(1_800_000_000 + Int64.random(in: -4000...4000, using: &rng))
            case 1: String(Int64.random(in: .min ... .max, using: &rng))
            case 2:
                ["", " ", "-", "+1800000000", "1800000000.5", "1.8e9", "9223372036854775807", "-9223372036854775808"]
                    .randomElement(using: &rng)!
            default: String(1_800_000_000_000 + Int64.random(in: -4000...4000, using: &rng))  // milliseconds
            }
        }
        await propertyCheck(count: 400, input: input) { timestamp in
            let message = try Inputs.crypto.encrypt(
                "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>")
            let result = Inputs.request(encrypted: message, timestamp: timestamp).decode(with: decoder, now: now)
            guard let seconds = Int64(timestamp) else {
                #expect(result.failure == .invalidTimestamp(timestamp))
                return
            }
            let inside = seconds >= 1_800_000_000 - 3600 && seconds <= 1_800_000_000 + 3600
            if inside {
                #expect(result.success != nil)
            } else if case .timestampOutsideWindow(let skew, 3600) = result.failure {
                #expect(skew > 3600)
            } else {
                Issue.record("expected the timestamp refused, got \(result)")
            }
        }
    }

    /// What the decoder must make of `fields`: the first value of each name, CDATA and entities read,
    /// the required ones trimmed.
    static func model(_ fields: [(String, String)], xml: String) -> Result<CallbackDecoder.Decoded, CallbackError> {
        // CDATA sections literally, the text between them with its entities read.
        func value(_ raw: String) -> String {
            func unescape(_ text: Substring) -> String {
                text.replacingOccurrences(of: "&#49;", with: "1").replacingOccurrences(of: "&#50;", with: "2")
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&amp;", with: "&")
            }
            var result = ""
            var rest = raw[...]
            while let start = rest.range(of: "<![CDATA["),
                let end = rest.range(of: "]]>", range: start.upperBound..<rest.endIndex)
            {
                result += unescape(rest[..<start.lowerBound]) + rest[start.upperBound..<end.lowerBound]
                rest = rest[end.upperBound...]
            }
            return result + unescape(rest)
        }
        func first(_ name: String) -> String? { fields.first { $0.0 == name }.map { value($0.1) } }
        func required(_ name: String) -> String? {
            guard let text = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        guard let from = required("FromUserName") else { return .failure(.decoding(.missingField("FromUserName"))) }
        guard let createText = required("CreateTime") else { return .failure(.decoding(.missingField("CreateTime"))) }
        guard let createTime = Int64(createText) else { return .failure(.decoding(.invalidField("CreateTime", createText))) }
        guard let type = required("MsgType") else { return .failure(.decoding(.missingField("MsgType"))) }
        var messageID: WeComMessageID?
        if let raw = first("MsgId")?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty {
            guard let id = UInt64(raw) else { return .failure(.decoding(.invalidField("MsgId", raw))) }
            messageID = WeComMessageID(rawValue: id)
        }
        let content: CallbackMessage.Content =
            type == "text" ? .text(first("Content") ?? "") : .unsupported(msgType: type, event: nil)
        let message = CallbackMessage(
            corpID: first("ToUserName") ?? "", fromUser: from, createTime: createTime, agentID: first("AgentID"),
            messageID: messageID, content: content)
        return .success(CallbackDecoder.Decoded(message: message, xml: xml))
    }
}

extension Result {
    var success: Success? { try? get() }
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
