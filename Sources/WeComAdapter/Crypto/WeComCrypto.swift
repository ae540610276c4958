import Crypto
import Foundation
import _CryptoExtras

/// The callback cryptography of a WeCom app: signatures, AES-256-CBC with 32-byte PKCS#7
/// padding, and the receiveid check.
///
/// ```swift
/// let crypto = try WeComCrypto(token: "QDG6eK", encodingAESKey: key43, receiveID: "wx5823bf96d3bd56c7")
/// let echo = try crypto.verifyURL(msgSignature: s, timestamp: t, nonce: n, echostr: e)
/// ```
/// The plaintext layout is `random(16) ‖ length(4, big-endian) ‖ message ‖ receiveid`.
public struct WeComCrypto: Sendable {
    /// The callback Token the app's admin configured.
    public let token: String
    /// The id the payload must be encrypted for: the CorpID for a self-built app, "" for an AI bot.
    public let receiveID: String
    private let key: SymmetricKey
    private let iv: AES._CBC.IV

    /// - Throws: `WeComCryptoError.invalidEncodingAESKey` unless the key is 43 characters decoding to 32 bytes.
    public init(token: String, encodingAESKey: String, receiveID: String) throws(WeComCryptoError) {
        guard encodingAESKey.utf8.count == 43,
            let keyData = Data(base64Encoded: encodingAESKey + "="), keyData.count == 32
        else { throw .invalidEncodingAESKey }
        self.token = token
        self.receiveID = receiveID
        self.key = SymmetricKey(data: keyData)
        do {
            self.iv = try AES._CBC.IV(ivBytes: keyData.prefix(16))
        } catch {
            throw .invalidEncodingAESKey
        }
    }

    /// The signature WeCom would send for `payload` (an echostr or an `Encrypt` value).
    public func signature(timestamp: String, nonce: String, payload: String) -> String {
        WeComSignature.compute([token, timestamp, nonce, payload])
    }

    /// Checks `msgSignature` against the configured token, in constant time.
    public func verifySignature(
        _ msgSignature: String, timestamp: String, nonce: String, payload: String
    ) throws(WeComCryptoError) {
        let expected = signature(timestamp: timestamp, nonce: nonce, payload: payload)
        guard WeComSignature.constantTimeEquals(expected, msgSignature) else { throw .signatureMismatch }
    }

    /// Answers WeCom's URL verification: verifies the signature, then returns the plain echo
    /// string that must be the whole response body.
    public func verifyURL(
        msgSignature: String, timestamp: String, nonce: String, echostr: String
    ) throws(WeComCryptoError) -> String {
        try verifySignature(msgSignature, timestamp: timestamp, nonce: nonce, payload: echostr)
        return try decrypt(echostr)
    }

    /// Verifies and decrypts the `Encrypt` value of a callback, returning the inner XML.
    public func decryptMessage(
        encrypted: String, msgSignature: String, timestamp: String, nonce: String
    ) throws(WeComCryptoError) -> String {
        try verifySignature(msgSignature, timestamp: timestamp, nonce: nonce, payload: encrypted)
        return try decrypt(encrypted)
    }

    /// Decrypts a Base64 payload and checks its receiveid. Does not check a signature.
    public func decrypt(_ base64: String) throws(WeComCryptoError) -> String {
        guard let ciphertext = Data(base64Encoded: base64) else { throw .invalidBase64 }
        guard !ciphertext.isEmpty, ciphertext.count % PKCS7Padding32.blockSize == 0 else {
            throw .invalidCiphertextLength(ciphertext.count)
        }
        let padded: [UInt8]
        do {
            padded = Array(try AES._CBC.decrypt(ciphertext, using: key, iv: iv, noPadding: true))
        } catch {
            throw .cipherFailure
        }
        let content = try PKCS7Padding32.unpad(padded)
        let base = content.startIndex
        guard content.count >= 20 else { throw .invalidPlaintextLayout }
        let length = content[(base + 16)..<(base + 20)].reduce(0) { ($0 << 8) | Int($1) }
        let messageEnd = base + 20 + length
        guard messageEnd <= content.endIndex else { throw .invalidPlaintextLayout }
        guard Array(content[messageEnd...]) == Array(receiveID.utf8) else { throw .receiveIDMismatch }
        guard let message = String(validating: content[(base + 20)..<messageEnd], as: UTF8.self) else {
            throw .invalidUTF8
        }
        return message
    }

    /// Encrypts `message` for this app, as WeCom and passive replies do.
    /// - Parameter randomPrefix: the 16 leading bytes; random unless a test fixes them.
    public func encrypt(_ message: String, randomPrefix: [UInt8]? = nil) throws(WeComCryptoError) -> String {
        var plaintext = randomPrefix ?? Self.randomPrefix()
        precondition(plaintext.count == 16, "the random prefix is 16 bytes")
        let body = Array(message.utf8)
        let length = UInt32(body.count)
        plaintext += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        plaintext += body
        plaintext += Array(receiveID.utf8)
        PKCS7Padding32.pad(&plaintext)
        do {
            return try AES._CBC.encrypt(plaintext, using: key, iv: iv, noPadding: true).base64EncodedString()
        } catch {
            throw .cipherFailure
        }
    }

    /// The encrypted envelope that carries a passive reply as the body of the callback response.
    public func encryptedReply(
        _ replyXML: String, timestamp: String, nonce: String, randomPrefix: [UInt8]? = nil
    ) throws(WeComCryptoError) -> String {
        let encrypted = try encrypt(replyXML, randomPrefix: randomPrefix)
        let signature = signature(timestamp: timestamp, nonce: nonce, payload: encrypted)
        return "<xml>\n<Encrypt><![CDATA[\(encrypted)]]></Encrypt>\n"
            + "<MsgSignature><![CDATA[\(signature)]]></MsgSignature>\n"
            + "<TimeStamp>\(timestamp)</TimeStamp>\n<Nonce><![CDATA[\(nonce)]]></Nonce>\n</xml>"
    }

    private static func randomPrefix() -> [UInt8] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in alphabet.randomElement(using: &generator)! }
    }
}
