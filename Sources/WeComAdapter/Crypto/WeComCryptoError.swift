/// Why a WeCom callback could not be verified or decrypted (or a reply encrypted).
///
/// The cases follow the error codes of Tencent's reference library (`ierror.py`), but carry no
/// secret material, so they are safe to log and to show.
public enum WeComCryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The EncodingAESKey is not 43 Base64 characters that decode to 32 bytes.
    case invalidEncodingAESKey
    /// `msg_signature` does not match the signature computed with the configured token.
    case signatureMismatch
    /// The encrypted payload is not valid Base64.
    case invalidBase64
    /// The ciphertext is empty or not a whole number of 32-byte blocks.
    case invalidCiphertextLength(Int)
    /// The decrypted data does not end in valid 32-byte PKCS#7 padding.
    case invalidPadding
    /// The decrypted data is too short for its own length field.
    case invalidPlaintextLayout
    /// The decrypted message is not UTF-8 text.
    case invalidUTF8
    /// The payload was encrypted for another corp, suite or bot.
    case receiveIDMismatch
    /// AES itself failed (should not happen with a valid key).
    case cipherFailure

    public var description: String {
        switch self {
        case .invalidEncodingAESKey: "the EncodingAESKey must be 43 Base64 characters decoding to 32 bytes"
        case .signatureMismatch: "msg_signature does not match"
        case .invalidBase64: "the encrypted payload is not valid Base64"
        case .invalidCiphertextLength(let length): "the ciphertext length \(length) is not a positive multiple of 32"
        case .invalidPadding: "the decrypted payload has invalid PKCS#7 padding"
        case .invalidPlaintextLayout: "the decrypted payload is shorter than its length field says"
        case .invalidUTF8: "the decrypted message is not UTF-8"
        case .receiveIDMismatch: "the payload was encrypted for another receiveid (corp id)"
        case .cipherFailure: "AES-256-CBC failed"
        }
    }
}
