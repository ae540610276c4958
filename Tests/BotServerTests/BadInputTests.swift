import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WeComAdapter

@testable import BotServer

/// Bad input gets a clear answer and a log line, never a crash and never a 500.
@Suite("Bad callbacks")
struct BadInputTests {
    let fixture = TestWeCom.fixture

    private func withServer(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let data = try TemporaryDirectory()
        let app = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: "http://127.0.0.1:9"), engines: TestConfiguration.engines)
        try await app.test(.router, test)
    }

    private func errorMessage(_ response: TestResponse) -> String {
        struct Body: Decodable { var error: String }
        return (try? JSONDecoder().decode(Body.self, from: Data(String(buffer: response.body).utf8)).error) ?? ""
    }

    @Test("A wrong signature is 401")
    func wrongSignature() async throws {
        try await withServer { client in
            var callback = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            callback.query = callback.query.replacingOccurrences(of: "msg_signature=", with: "msg_signature=0")
            let response = try await client.post(callback)
            #expect(response.status == .unauthorized)
            #expect(errorMessage(response).contains("signature"))
        }
    }

    @Test("A missing signature is 401", arguments: ["msg_signature", "timestamp", "nonce"])
    func missingParameter(name: String) async throws {
        try await withServer { client in
            var callback = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            callback.query = callback.query.split(separator: "&").filter { !$0.hasPrefix(name + "=") }.joined(separator: "&")
            let response = try await client.post(callback)
            #expect(response.status == .unauthorized)
            #expect(errorMessage(response) == "missing \(name)")
        }
    }

    @Test("A URL verification with a wrong signature is 401")
    func verificationWrongSignature() async throws {
        try await withServer { client in
            let query = try fixture.urlVerification(echo: "123").replacingOccurrences(of: "nonce=7654321", with: "nonce=7654322")
            #expect(try await client.execute(uri: "/wecom/callback?" + query, method: .get).status == .unauthorized)
        }
    }

    @Test("Undecodable XML is 400")
    func badXML() async throws {
        try await withServer { client in
            var callback = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            callback.body = "<xml><Encrypt>"
            let response = try await client.post(callback)
            #expect(response.status == .badRequest)
        }
    }

    @Test("Encrypt that is not Base64, or decrypts to bad padding, is 400 even when correctly signed")
    func badBase64AndPadding() async throws {
        try await withServer { client in
            for encrypted in ["@@not-base64@@", Data(repeating: 0x41, count: 64).base64EncodedString()] {
                let signature = fixture.crypto.signature(timestamp: "1", nonce: "2", payload: encrypted)
                let callback = CallbackFixture.Callback(
                    query: "msg_signature=\(signature)&timestamp=1&nonce=2",
                    body: "<xml><Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>")
                let response = try await client.post(callback)
                #expect(response.status == .badRequest)
                #expect(!errorMessage(response).isEmpty)
            }
        }
    }

    @Test("A body over 64 KiB is 413, before any parsing")
    func tooLarge() async throws {
        try await withServer { client in
            var callback = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            callback.body = String(repeating: "x", count: 64 * 1024 + 1)
            #expect(try await client.post(callback).status == .contentTooLarge)
        }
    }

    @Test("A callback encrypted for another corp is 401")
    func receiveIDMismatch() async throws {
        try await withServer { client in
            let other = try CallbackFixture(
                token: TestWeCom.token, encodingAESKey: TestWeCom.aesKey, corpID: "wwothercorp00001", agentID: 1)
            let response = try await client.post(try other.text(from: "zhangsan", "hi", msgID: 1))
            #expect(response.status == .unauthorized)
            #expect(errorMessage(response).contains("receiveid"))
        }
    }

    @Test("A signed, decryptable message whose XML lacks FromUserName is 400")
    func innerXMLMissingField() async throws {
        try await withServer { client in
            let callback = try fixture.callback(inner: "<xml><MsgType>text</MsgType><CreateTime>1</CreateTime></xml>")
            let response = try await client.post(callback)
            #expect(response.status == .badRequest)
            #expect(errorMessage(response).contains("FromUserName"))
        }
    }

    @Test("Without WeCom settings the server starts and the callback answers 503 saying so")
    func channelOff() async throws {
        let data = try TemporaryDirectory()
        let app = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: nil), engines: TestConfiguration.engines)
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await client.execute(
                    uri: "/wecom/callback?msg_signature=a&timestamp=1&nonce=2", method: method)
                #expect(response.status == .serviceUnavailable)
                #expect(errorMessage(response).contains("WeCom channel is not configured"))
            }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }

    @Test("Half the WeCom settings name the missing ones")
    func partialSettings() throws {
        let settings = WeComChannelSettings(environment: ["WECOM_CORP_ID": "x", "WECOM_TOKEN": "t"], defaultAPIBase: nil)
        guard case .off(let reason) = settings else {
            Issue.record("expected the channel off")
            return
        }
        #expect(reason.contains("WECOM_AGENT_ID"))
        #expect(reason.contains("WECOM_SECRET"))
        #expect(!reason.contains("WECOM_CORP_ID,"))
    }
}
