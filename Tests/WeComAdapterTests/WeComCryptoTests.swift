import Foundation
import Testing

@testable import WeComAdapter

/// The test vectors of the WeCom protocol note (§11), each recomputed with wechatpy by its authors.
@Suite("WeCom callback cryptography")
struct WeComCryptoTests {
    // V1: Tencent's official sample.
    static let v1 = try! WeComCrypto(
        token: "QDG6eK", encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveID: "wx5823bf96d3bd56c7")
    static let v1Encrypt =
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
    static let v1Plaintext = """
        <xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>
        <FromUserName><![CDATA[mycreate]]></FromUserName>
        <CreateTime>1409659813</CreateTime>
        <MsgType><![CDATA[text]]></MsgType>
        <Content><![CDATA[hello]]></Content>
        <MsgId>4561255354251345929</MsgId>
        <AgentID>218</AgentID>
        </xml>
        """

    // V3: wechatpy's own tests.
    static let v3 = try! WeComCrypto(
        token: "123456", encodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", receiveID: "wx49f0ab532d5d035a")

    @Test("V1 URL verification answers the echo string 1616140317555161061")
    func v1URLVerification() throws {
        let echo = try Self.v1.verifyURL(
            msgSignature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", timestamp: "1409659589", nonce: "263014780",
            echostr: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")
        #expect(echo == "1616140317555161061")
    }

    @Test("V1 message decrypts despite a pad of 30 (a 16-byte PKCS#7 unpadder would reject it)")
    func v1MessageWithPad30() throws {
        let xml = try Self.v1.decryptMessage(
            encrypted: Self.v1Encrypt, msgSignature: "477715d11cdb4164915debcba66cb864d751f3e6", timestamp: "1409659813",
            nonce: "1372623149")
        #expect(xml == Self.v1Plaintext)
        #expect(xml.utf8.count == 284)
    }

    @Test("V1 with another receiveid is rejected")
    func v1WrongReceiveID() throws {
        let other = try WeComCrypto(
            token: "QDG6eK", encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveID: "wx5823bf96d3bd56c8")
        #expect(throws: WeComCryptoError.receiveIDMismatch) {
            try other.decrypt(Self.v1Encrypt)
        }
    }

    @Test("V1 with one Base64 character flipped fails the signature")
    func v1FlippedCharacter() {
        var flipped = Array(Self.v1Encrypt)
        flipped[10] = flipped[10] == "A" ? "B" : "A"
        #expect(throws: WeComCryptoError.signatureMismatch) {
            try Self.v1.decryptMessage(
                encrypted: String(flipped), msgSignature: "477715d11cdb4164915debcba66cb864d751f3e6",
                timestamp: "1409659813", nonce: "1372623149")
        }
    }

    @Test("V1 with its last block corrupted fails on padding or layout, never crashes")
    func v1CorruptLastBlock() throws {
        var bytes = try #require(Data(base64Encoded: Self.v1Encrypt))
        bytes[bytes.count - 1] ^= 0x5A
        bytes[bytes.count - 7] ^= 0x33
        #expect(throws: WeComCryptoError.self) {
            try Self.v1.decrypt(bytes.base64EncodedString())
        }
    }

    @Test("V2 (Tencent's Python sample): bare-text XML with Chinese, pad 22")
    func v2() throws {
        let crypto = try WeComCrypto(
            token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
            receiveID: "ww1436e0e65a779aee")
        let echo = try crypto.verifyURL(
            msgSignature: "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", timestamp: "1476416373", nonce: "47744683",
            echostr: "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==")
        #expect(echo == "1288432023552776189")
        let xml = try crypto.decryptMessage(
            encrypted:
                "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+",
            msgSignature: "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", timestamp: "1476422779", nonce: "1597212914")
        #expect(
            xml
                == "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
        )
        let message = try CallbackMessage(xml: xml)
        #expect(message.content == .text("你好"))
        #expect(message.fromUser == "ChenJiaShun")
    }

    @Test("V2 JSON variant decrypts to the sample's bytes (pad 10)")
    func v2JSONVariant() throws {
        let crypto = try WeComCrypto(
            token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
            receiveID: "ww1436e0e65a779aee")
        let json = try crypto.decryptMessage(
            encrypted:
                "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKIivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7NRj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU=",
            msgSignature: "e3647471e395139e2308c1fa963f2d648a00b90e", timestamp: "1409659813", nonce: "1372623149")
        #expect(
            json
                == #"{ "ToUserName": "wx5823bf96d3bd56c7", "FromUserName": :mycreate", "CreateTime": 1409659813, "MsgType": "text", "Content": "hello", "MsgId": 4561255354251345929, "AgentID": 218}"#
        )
    }

    @Test("V3 (wechatpy): URL verification, a wrong nonce, and a message with pad 1")
    func v3() throws {
        let echostr = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
        #expect(
            try Self.v3.verifyURL(
                msgSignature: "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", timestamp: "1411443780", nonce: "437374425",
                echostr: echostr) == "5927782489442352469")
        #expect(throws: WeComCryptoError.signatureMismatch) {
            try Self.v3.verifyURL(
                msgSignature: "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", timestamp: "1411443780", nonce: "437374424",
                echostr: echostr)
        }
        let xml = try Self.v3.decryptMessage(
            encrypted:
                "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=",
            msgSignature: "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", timestamp: "1411525903", nonce: "461056294")
        #expect(xml.utf8.count == 281)
        let message = try CallbackMessage(xml: xml)
        #expect(message.fromUser == "messense")
        #expect(message.content == .text("test"))
        #expect(message.messageID == WeComMessageID(rawValue: 4_363_689_963_896_700_987))
    }

    @Test("V3 encrypted passive reply matches wechatpy byte for byte")
    func v3EncryptedReply() throws {
        let reply =
            "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
        #expect(reply.utf8.count == 247)
        let encrypted =
            "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
        let envelope = try Self.v3.encryptedReply(
            reply, timestamp: "1411525903", nonce: "461056294", randomPrefix: Array("1234567890123456".utf8))
        #expect(
            envelope
                == "<xml>\n<Encrypt><![CDATA[\(encrypted)]]></Encrypt>\n<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>\n<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>"
        )
    }

    @Test("V4 (WxJava): the length field counts UTF-8 bytes of Chinese text")
    func v4() throws {
        let crypto = try WeComCrypto(
            token: "pamtest", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", receiveID: "wxb11529c136998cb6")
        let encrypted = try crypto.encrypt("我是中文abcd123", randomPrefix: Array("aaaabbbbccccdddd".utf8))
        #expect(encrypted == "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==")
        #expect(try crypto.decrypt(encrypted) == "我是中文abcd123")
    }

    @Test("V5: signatures sort their inputs, and a short cipher vector")
    func v5() throws {
        #expect(WeComSignature.compute(["123", "345"]) == "9f537aeb751ec72605f57f94a2f6dc3e3958e1dd")
        #expect(WeComSignature.compute(["c", "a", "b"]) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(WeComSignature.compute(["test", "123456", "test", "rust"]) == "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b27")
        let crypto = try WeComCrypto(
            token: "test", encodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", receiveID: "rust")
        #expect(
            try crypto.encrypt("test", randomPrefix: Array("1234567890123456".utf8))
                == "9s4gMv99m88kKTh/H8IdkNiFGeG9pd7vNWl50fGRWXY=")
    }

    @Test("Signature comparison ignores hex case and rejects other lengths")
    func constantTimeCompare() {
        #expect(WeComSignature.constantTimeEquals("abcdef", "ABCDEF"))
        #expect(!WeComSignature.constantTimeEquals("abcdef", "abcdee"))
        #expect(!WeComSignature.constantTimeEquals("abcdef", "abcde"))
    }

    @Test(
        "Bad keys, Base64 and lengths are typed errors",
        arguments: [
            ("short", WeComCryptoError.invalidEncodingAESKey),
            ("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2!", WeComCryptoError.invalidEncodingAESKey),
        ])
    func badKeys(key: String, error: WeComCryptoError) {
        #expect(throws: error) { try WeComCrypto(token: "t", encodingAESKey: key, receiveID: "") }
    }

    @Test("Undecodable payloads are rejected before AES or after it, with the reason")
    func badPayloads() throws {
        #expect(throws: WeComCryptoError.invalidBase64) { try Self.v1.decrypt("not base64!!") }
        #expect(throws: WeComCryptoError.invalidCiphertextLength(16)) {
            try Self.v1.decrypt(Data(repeating: 1, count: 16).base64EncodedString())
        }
        #expect(throws: WeComCryptoError.invalidCiphertextLength(0)) { try Self.v1.decrypt("") }
        // 32 bytes of zeros decrypt to garbage whose last byte is almost never valid padding with a valid layout.
        #expect(throws: WeComCryptoError.self) {
            try Self.v1.decrypt(Data(repeating: 0, count: 32).base64EncodedString())
        }
    }

    @Test("PKCS#7 with 32-byte blocks: a full block when aligned, strict on unpad")
    func padding() throws {
        var aligned = [UInt8](repeating: 7, count: 32)
        PKCS7Padding32.pad(&aligned)
        #expect(aligned.count == 64)
        #expect(aligned.suffix(32).allSatisfy { $0 == 32 })
        var short: [UInt8] = [1, 2, 3]
        PKCS7Padding32.pad(&short)
        #expect(short.count == 32 && short.last == 29)
        #expect(Array(try PKCS7Padding32.unpad(short)) == [1, 2, 3])
        #expect(throws: WeComCryptoError.invalidPadding) { try PKCS7Padding32.unpad([1, 2, 0]) }
        #expect(throws: WeComCryptoError.invalidPadding) { try PKCS7Padding32.unpad([1, 2, 33]) }
        #expect(throws: WeComCryptoError.invalidPadding) { try PKCS7Padding32.unpad([9, 3, 2, 3]) }
    }

    @Test("Round trip for an AI bot, whose receiveid is empty")
    func emptyReceiveIDRoundTrip() throws {
        let crypto = try WeComCrypto(token: "t", encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveID: "")
        let message = String(repeating: "调拨单在哪查", count: 50)
        #expect(try crypto.decrypt(try crypto.encrypt(message)) == message)
    }
}
