import Escalation
import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WeComAdapter

@testable import BotServer

/// A captured callback cannot be replayed later: its signed timestamp must be within the window of
/// the server's clock. WeCom's own retries come within seconds and are still taken, once.
@Suite("Callbacks outside the timestamp window")
struct CallbackWindowTests {
    let fixture = TestWeCom.fixture
    /// The fixture signs with this timestamp unless told otherwise.
    static let signedAt: TimeInterval = 1_700_000_000

    /// The server in process with the shipped one-hour window and its clock at `signedAt + offset`.
    private func withServer(
        clockOffset: TimeInterval, window: Duration? = .seconds(3600),
        _ test: @escaping @Sendable (any TestClientProtocol, URL, LogCapture) async throws -> Void
    ) async throws {
        let data = try TemporaryDirectory()
        var configuration = try TestConfiguration.make(data: data.url, apiBase: "http://127.0.0.1:9")
        configuration.callbackClockSkew = window
        let capture = LogCapture()
        let app = try await buildApplication(
            configuration, engines: TestConfiguration.engines,
            clock: ManualWallClock(Date(timeIntervalSince1970: Self.signedAt + clockOffset)), logger: capture.logger())
        let url = data.url
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            try await test(client, url, capture)
        }
    }

    private func inboxCount(_ data: URL) -> Int {
        databaseValue(data, "SELECT COUNT(*) FROM inbox", as: Int.self) ?? -1
    }

    private func errorMessage(_ response: TestResponse) -> String {
        (jsonObject(response)["error"] as? String) ?? ""
    }

    @Test("The shipped setting is one hour, 0 turns it off, and storedesk.yaml can change it")
    func setting() throws {
        let shipped = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(shipped.callbackClockSkew == .seconds(3600))
        let data = try TemporaryDirectory()
        for (value, expected) in [("600", Duration.seconds(600)), ("0", nil)] {
            try "wecom:\n  maxClockSkewSeconds: \(value)\n".write(
                to: data.url.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
            let loaded = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": data.url.path])
            #expect(loaded.callbackClockSkew == expected)
        }
    }

    @Test(
        "A callback signed more than an hour before or after the server's clock is 403, logged, and not stored",
        arguments: [-3601.0, 3601.0, 86400.0 * 365])
    func refused(clockOffset: TimeInterval) async throws {
        try await withServer(clockOffset: clockOffset) { client, data, log in
            let response = try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 1))
            #expect(response.status == .forbidden)
            #expect(errorMessage(response).contains("timestamp"))
            #expect(log.text.contains("WeCom callback refused: timestamp outside the window"))
            #expect(inboxCount(data) == 0)
        }
    }

    @Test("Within the hour either way it is taken", arguments: [-3600.0, -5.0, 0.0, 3600.0])
    func accepted(clockOffset: TimeInterval) async throws {
        try await withServer(clockOffset: clockOffset) { client, data, _ in
            let response = try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 1))
            #expect(response.status == .ok)
            #expect(inboxCount(data) == 1)
        }
    }

    @Test("WeCom's retries of a message (the same request, or re-signed seconds later) are taken and stored once")
    func retriesDeduplicated() async throws {
        try await withServer(clockOffset: 30) { client, data, _ in
            let inner =
                "<xml><ToUserName><![CDATA[\(TestWeCom.corpID)]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
                + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[调拨单在哪查]]></Content>"
                + "<MsgId>7000000000000000001</MsgId><AgentID>\(TestWeCom.agentID)</AgentID></xml>"
            let first = try fixture.callback(inner: inner, timestamp: "1700000000", nonce: "111")
            #expect(try await client.post(first).status == .ok)
            #expect(try await client.post(first).status == .ok)
            for (timestamp, nonce) in [("1700000005", "222"), ("1700000020", "333")] {
                #expect(
                    try await client.post(try fixture.callback(inner: inner, timestamp: timestamp, nonce: nonce)).status == .ok)
            }
            #expect(inboxCount(data) == 1)
        }
    }

    @Test("URL verification (GET) is held to the same window")
    func urlVerification() async throws {
        try await withServer(clockOffset: 7200) { client, _, _ in
            let stale = try fixture.urlVerification(echo: "123")
            let refused = try await client.execute(uri: "/wecom/callback?" + stale, method: .get)
            #expect(refused.status == .forbidden)
            let fresh = try fixture.urlVerification(echo: "123", timestamp: "1700007100")
            let answered = try await client.execute(uri: "/wecom/callback?" + fresh, method: .get)
            #expect(answered.status == .ok)
            #expect(String(buffer: answered.body) == "123")
        }
    }

    @Test("A timestamp that is not a number is 400 while the window is on; with the window off any signed one is taken")
    func notANumberAndOff() async throws {
        let inner =
            "<xml><FromUserName>zhangsan</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType>"
            + "<Content>hi</Content><MsgId>9</MsgId></xml>"
        try await withServer(clockOffset: 0) { client, _, _ in
            let response = try await client.post(try fixture.callback(inner: inner, timestamp: "soon"))
            #expect(response.status == .badRequest)
            #expect(errorMessage(response).contains("timestamp"))
        }
        try await withServer(clockOffset: 86400 * 365, window: nil) { client, data, _ in
            let response = try await client.post(try fixture.callback(inner: inner))
            #expect(response.status == .ok)
            #expect(inboxCount(data) == 1)
        }
    }

    @Test("A forged callback with an old timestamp is refused for its signature, before its time is looked at")
    func forgedOld() async throws {
        try await withServer(clockOffset: 7200) { client, _, _ in
            var callback = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            callback.query = callback.query.replacingOccurrences(of: "msg_signature=", with: "msg_signature=0")
            #expect(try await client.post(callback).status == .unauthorized)
        }
    }
}
