// libFuzzer entry for the WeCom callback decoding (CallbackDecoder: outer XML, Base64, signature,
// AES-256-CBC, 32-byte PKCS#7 padding, plaintext layout, receiveid, UTF-8, inner XML, timestamp window).
//
// The first byte of an input chooses where the rest goes in, so that the fuzzer's bytes get past the
// signature (and, where it matters, past AES) to the parts behind them:
//   0: the inner XML: laid out, padded, encrypted and signed as WeCom does;
//   1: the whole plaintext (random prefix, length, message, receiveid and padding), encrypted and signed;
//   2: the POST body as it is, signed over whatever Encrypt it turns out to hold;
//   3: the Encrypt text, in a well-formed body, signed;
//   4: the timestamp query parameter of a valid callback.
// Any outcome is a message or a CallbackError; a crash, a sanitizer report or a broken invariant
// (fatalError below) is a finding.
import CallbackCore
import Crypto
import Foundation
import _CryptoExtras

let token = "QDG6eK"
let aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
let corpID = "wx5823bf96d3bd56c7"
let crypto = try! WeComCrypto(token: token, encodingAESKey: aesKey, receiveID: corpID)
let decoder = CallbackDecoder(crypto: crypto, maxClockSkew: .seconds(3600))
let keyBytes = Data(base64Encoded: aesKey + "=")!
let now = Date(timeIntervalSince1970: 1_409_659_813)
let timestamp = "1409659813"
let nonce = "1372623149"

func encryptRaw(_ plaintext: [UInt8]) -> String {
    try! AES._CBC.encrypt(
        plaintext, using: SymmetricKey(data: keyBytes), iv: try! AES._CBC.IV(ivBytes: keyBytes.prefix(16)), noPadding: true
    ).base64EncodedString()
}

func envelope(_ encrypted: String) -> Data {
    Data("<xml><ToUserName><![CDATA[\(corpID)]]></ToUserName><Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>".utf8)
}

func decode(_ body: Data, signing payload: String, timestamp: String = timestamp) -> Result<
    CallbackDecoder.Decoded, CallbackError
> {
    let signature = crypto.signature(timestamp: timestamp, nonce: nonce, payload: payload)
    return Result { () throws(CallbackError) in
        try decoder.decode(body: body, msgSignature: signature, timestamp: timestamp, nonce: nonce, now: now)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCallback(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let mode = bytes[0] % 5
    let input = Array(bytes.dropFirst())
    switch mode {
    case 0:
        let length = UInt32(input.count)
        var plaintext = Array("0123456789abcdef".utf8)
        plaintext += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        plaintext += input + Array(corpID.utf8)
        let pad = 32 - plaintext.count % 32
        plaintext += repeatElement(UInt8(pad), count: pad)
        let encrypted = encryptRaw(plaintext)
        let result = decode(envelope(encrypted), signing: encrypted)
        // What decrypts is exactly the bytes put in: a message decoded from it carries them.
        if case .success(let decoded) = result, Array(decoded.xml.utf8) != input {
            fatalError("decoded XML differs from the encrypted one")
        }
        if case .failure(.crypto(let error)) = result, String(validating: input, as: UTF8.self) != nil {
            fatalError("a well-laid-out, padded UTF-8 payload failed in the crypto layer: \(error)")
        }
    case 1:
        var plaintext = input
        if plaintext.isEmpty || plaintext.count % 32 != 0 {
            plaintext += repeatElement(UInt8(0x20), count: 32 - plaintext.count % 32)
        }
        let encrypted = encryptRaw(plaintext)
        _ = decode(envelope(encrypted), signing: encrypted)
    case 2:
        let body = Data(input)
        let payload = (try? CallbackEnvelope(xml: body))?.encrypted ?? ""
        _ = decode(body, signing: payload)
    case 3:
        let encrypted = String(decoding: input, as: UTF8.self)
        _ = decode(envelope(encrypted), signing: encrypted)
    default:
        let inner = "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>"
        let encrypted = try! crypto.encrypt(inner)
        let stamp = String(decoding: input, as: UTF8.self)
        let result = decode(envelope(encrypted), signing: encrypted, timestamp: stamp)
        if case .success = result, let seconds = Int64(stamp), abs(Double(seconds) - now.timeIntervalSince1970) > 3600 {
            fatalError("a timestamp outside the window was accepted: \(stamp)")
        }
    }
    return 0
}

/// Runs once before fuzzing: the globals and Foundation's lazily made caches (XML parser, Base64,
/// string tables) are made here, so that leak detection does not take a first use for a leak.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>>) -> CInt
{
    let warmUp: [[UInt8]] = [
        [0] + Array("<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>".utf8),
        [1] + Array(repeating: 32, count: 64), [2] + Array("<xml><Encrypt>AAAA</Encrypt></xml>".utf8),
        [3] + Array("@@".utf8), [4] + Array("1409659813".utf8), [0] + Array("<!DOCTYPE x><xml/>".utf8), [0, 0xFF],
    ]
    for input in warmUp {
        _ = input.withUnsafeBytes { fuzzCallback($0.baseAddress!, $0.count) }
    }
    return 0
}
