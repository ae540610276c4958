import AsyncHTTPClient
import Categories
import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WeComAdapter

@testable import BotServer

/// Nobody gets in without the admin token, whatever route a change adds, and no run's log holds a
/// secret.
@Suite("Security: admin routes and secrets")
struct SecurityTests {
    /// The routes that answer without the admin token: probes, metrics, the API's own document and
    /// WeCom's callback (which has its signature instead). Anything else the router has is admin.
    static let publicRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "GET /wecom/callback", "POST /wecom/callback",
    ]

    /// The server's own router, from the same `buildRouter` the server uses, over an in-memory database.
    private static func router(adminToken: String) async throws -> Router<AppRequestContext> {
        var logger = Logger(label: "SecurityTests")
        logger.logLevel = .critical
        let pipeline = try await TestPipeline(database: try AppDatabase(writer: DatabaseQueue()), logger: logger)
        return pipeline.router(channel: .off(reason: "tests"), token: adminToken)
    }

    /// A request path for a route: each capture (`{id}`) and wildcard filled in.
    private static func uri(for path: String) -> String {
        path.split(separator: "/").map { part in
            part.hasPrefix("{") || part.contains("*") ? "1001" : String(part)
        }.reduce("") { $0 + "/" + $1 }
    }

    @Test("Every route of the router but the public ones answers 401 without the admin token or with a wrong one")
    func everyAdminRouteRefuses() async throws {
        let token = "route-test-admin-token-\(UUID().uuidString)"
        let router = try await Self.router(adminToken: token)
        let routes = router.routes.map { (name: "\($0.method) \($0.path)", method: $0.method, path: "\($0.path)") }
        let names = Set(routes.map(\.name))
        #expect(Self.publicRoutes.isSubset(of: names), "a public route moved: \(Self.publicRoutes.subtracting(names))")
        let adminRoutes = routes.filter { !Self.publicRoutes.contains($0.name) }
        // The router really was enumerated: the knowledge, category, synonym, ask, review, feedback and ticket routes.
        #expect(adminRoutes.count >= 25)
        #expect(adminRoutes.allSatisfy { $0.path.hasPrefix("/api/v1/") }, "an admin route outside /api/v1")

        let wrongCredentials: [(String, String?)] = [
            ("none", nil), ("empty bearer", "Bearer "), ("wrong", "Bearer nope"), ("prefix", "Bearer " + token.dropLast()),
            ("longer", "Bearer " + token + "x"), ("not bearer", "Basic " + Data("admin:\(token)".utf8).base64EncodedString()),
            ("bare token", token), ("two tokens", "Bearer nope, Bearer " + token),
        ]
        let app = Application(router: router, logger: Logger(label: "SecurityTests"))
        try await app.test(.router) { client in
            for route in adminRoutes {
                let uri = Self.uri(for: route.path)
                for (label, credential) in wrongCredentials {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let credential { headers[.authorization] = credential }
                    let response = try await client.execute(
                        uri: uri, method: route.method, headers: headers, body: ByteBuffer(string: "{}"))
                    #expect(response.status == .unauthorized, "\(route.name) with \(label) credentials")
                }
                // The right token passes the middleware (whatever the route then makes of an empty body).
                let allowed = try await client.execute(
                    uri: uri, method: route.method,
                    headers: [.authorization: "Bearer " + token, .contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                #expect(allowed.status != .unauthorized, "\(route.name) refused the right token")
            }
        }
    }

    @Test("A run's whole log (trace level) holds none of the secrets, nor an access token WeCom handed out")
    func noSecretsInLogs() async throws {
        let secrets = Secrets()
        let capture = LogCapture()
        let data = try TemporaryDirectory()
        let wecom = try await FakeWeComServer.start(
            corpID: TestWeCom.corpID, secret: secrets.corpSecret, agentID: TestWeCom.agentID)
        do {
            await wecom.state.addUsers([["userid": "zhangsan", "name": "张三", "department": [31], "main_department": 31]])
            // Error paths log too: a rejected token and a server error on the first sends.
            await wecom.state.inject(.errcode(42001), on: "/cgi-bin/message/send")
            await wecom.state.inject(.httpStatus(500), on: "/cgi-bin/message/send")
            var configuration = try TestConfiguration.make(data: data.url, apiBase: wecom.baseURL)
            configuration.adminToken = secrets.adminToken
            configuration.weCom = .on(
                WeComApp(
                    corpID: TestWeCom.corpID, agentID: TestWeCom.agentID, secret: secrets.corpSecret,
                    token: secrets.callbackToken,
                    encodingAESKey: secrets.aesKey, apiBase: wecom.baseURL))
            configuration.logLevel = .trace
            let app = try await buildApplication(configuration, engines: TestConfiguration.engines, logger: capture.logger())
            let fixture = try CallbackFixture(
                token: secrets.callbackToken, encodingAESKey: secrets.aesKey, corpID: TestWeCom.corpID, agentID: TestWeCom.agentID
            )
            let now = String(Int(Date().timeIntervalSince1970))
            try await app.test(.live) { client in
                try await waitForFirstCalibration(client)
                let verification = try fixture.urlVerification(echo: "4711", timestamp: now)
                #expect(try await client.execute(uri: "/wecom/callback?" + verification, method: .get).status == .ok)
                let text = try fixture.callback(
                    inner:
                        "<xml><ToUserName><![CDATA[\(TestWeCom.corpID)]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
                        + "<CreateTime>\(now)</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[调拨单在哪查]]></Content>"
                        + "<MsgId>424242</MsgId><AgentID>\(TestWeCom.agentID)</AgentID></xml>", timestamp: now)
                #expect(try await client.post(text).status == .ok)
                var forged = text
                forged.query = forged.query.replacingOccurrences(of: "msg_signature=", with: "msg_signature=0")
                #expect(try await client.post(forged).status == .unauthorized)
                let admin = try await client.execute(
                    uri: "/api/v1/knowledge", method: .get, headers: [.authorization: "Bearer " + secrets.adminToken])
                #expect(admin.status == .ok)
                let wrong = try await client.execute(
                    uri: "/api/v1/knowledge", method: .get, headers: [.authorization: "Bearer " + secrets.adminToken + "0"])
                #expect(wrong.status == .unauthorized)
                let sent = await eventually(timeout: .seconds(30)) { await !wecom.state.sent.isEmpty }
                #expect(sent, "the answer went out through message/send (with an access token)")
            }
            let log = capture.text
            #expect(log.contains("Accepted WeCom callback"), "the capture saw the run")
            #expect(log.contains("Admin API refused"), "the capture saw the refusal")
            for (name, secret) in secrets.all {
                #expect(!log.contains(secret), "the log holds \(name)")
            }
            // The fake's access tokens are 32 hex digits (upper case): every such string in the log is asked of the
            // fake, which knows the ones it issued (and says 40014 of any other).
            for candidate in Set(log.matches(of: /[0-9A-Fa-f]{32}/).map { String($0.output) }) {
                let url = wecom.baseURL + "/cgi-bin/user/get?userid=zhangsan&access_token=" + candidate
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 16)
                #expect(String(buffer: body).contains("40014"), "the log holds the access token \(candidate)")
            }
            await wecom.stop()
        } catch {
            await wecom.stop()
            throw error
        }
    }

    @Test("An admin token the server creates goes to its file, never to the log")
    func generatedAdminTokenNotLogged() async throws {
        let capture = LogCapture()
        let data = try TemporaryDirectory()
        var configuration = try TestConfiguration.make(data: data.url, apiBase: nil)
        configuration.adminToken = nil
        configuration.logLevel = .trace
        let app = try await buildApplication(configuration, engines: TestConfiguration.engines, logger: capture.logger())
        let token = try String(contentsOf: data.url.appendingPathComponent(AdminToken.fileName), encoding: .utf8)
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            let response = try await client.execute(
                uri: "/api/v1/categories", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(response.status == .ok)
        }
        #expect(capture.text.contains("Created an admin token"))
        #expect(!capture.text.contains(token))
    }

    /// The secrets of one run, each distinctive so that a hit cannot be a coincidence.
    private struct Secrets {
        let corpSecret = "corp-secret-\(UUID().uuidString)"
        let callbackToken = "callback-token-\(UUID().uuidString.prefix(8))"
        let adminToken = "admin-token-\(UUID().uuidString)"
        let aesKey: String = {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return String(Data(bytes).base64EncodedString().dropLast())  // 43 characters, as WeCom shows it
        }()

        var all: [(String, String)] {
            [
                ("WECOM_SECRET", corpSecret), ("WECOM_TOKEN", callbackToken), ("WECOM_AES_KEY", aesKey),
                ("the admin token", adminToken),
            ]
        }
    }
}
