import Categories
import Escalation
import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

@Suite("Health, readiness, metrics and configuration")
struct OperationsTests {
    @Test("healthz, readyz and metrics answer; metrics count callbacks, decisions and handling time")
    func health() async throws {
        let data = try TemporaryDirectory()
        let app = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: "http://127.0.0.1:9"), engines: TestConfiguration.engines)
        try await app.test(.live) { client in
            try await waitForFirstCalibration(client)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(await eventually { (try? await client.execute(uri: "/readyz", method: .get).status) == .ok })
            try await client.post(try TestWeCom.fixture.text(from: "zhangsan", "你好", msgID: 1))
            try await client.post(try TestWeCom.fixture.text(from: "lisi", "调拨单在哪查", msgID: 2))
            let counted = try await eventually {
                let body = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                return body.contains(#"storedesk_questions_total{decision="answer"} 1"#)
                    && body.contains(#"storedesk_questions_total{decision="smalltalk"} 1"#)
            }
            #expect(counted)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"storedesk_callbacks_total{result="accepted"} 2"#))
            #expect(text.contains("storedesk_message_handling_seconds_count 2"))
        }
    }

    @Test("storedesk_tickets: every status of every team, and a count that drops to zero reads 0")
    func ticketGauge() async throws {
        let clock = ManualWallClock(TicketFlowTests.morning)
        try await withLiveServer(prepare: { wecom, _ in await TicketFlowTests.addPeople(wecom) }, clock: clock) {
            client, _, dataURL in
            try await client.post(try TestWeCom.fixture.text(from: "zhangsan", "转人工", msgID: 93001))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            func metrics() async throws -> String {
                String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            }
            func line(_ status: String, _ team: String) -> String {
                #"storedesk_tickets{status="\#(status)",team="\#(team)"} "#
            }
            let opened = try await metrics()
            #expect(opened.contains(line("open", "east-north") + "1"))
            // Every status of the team is there, zeros included.
            for status in TicketStatus.allCases where status != .open {
                #expect(opened.contains(line(status.rawValue, "east-north") + "0"), "\(status)")
            }
            let claim = try await client.execute(
                uri: "/api/v1/tickets/1001/claim", method: .post,
                headers: [.authorization: "Bearer test-admin-token", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"agent": "hq_bob"}"#))
            #expect(claim.status == .ok)
            let claimed = try await metrics()
            #expect(claimed.contains(line("assigned", "east-north") + "1"))
            #expect(claimed.contains(line("open", "east-north") + "0"))
        }
    }

    @Test("storedesk_tickets reads 0 for every status of a team of escalation.yaml that has no ticket")
    func ticketGaugeTeams() {
        let metrics = ServerMetrics()
        metrics.setTickets([(status: "open", team: "east-north", count: 2)], teams: ["south-ops", "east-north"])
        let text = metrics.exposition()
        #expect(text.contains(#"storedesk_tickets{status="open",team="east-north"} 2"#))
        for status in TicketStatus.allCases {
            #expect(text.contains(#"storedesk_tickets{status="\#(status.rawValue)",team="south-ops"} 0"#))
        }
        metrics.setTickets([], teams: ["south-ops", "east-north"])
        #expect(metrics.exposition().contains(#"storedesk_tickets{status="open",team="east-north"} 0"#))
    }

    @Test("Without STOREDESK_ADMIN_TOKEN a token is created once, mode 0600, and kept across restarts")
    func adminTokenCreated() async throws {
        let data = try TemporaryDirectory()
        var configuration = try TestConfiguration.make(data: data.url, apiBase: nil)
        configuration.adminToken = nil
        _ = try await buildApplication(configuration, engines: TestConfiguration.engines)
        let file = data.url.appendingPathComponent("admin-token")
        let first = try String(contentsOf: file, encoding: .utf8)
        #expect(first.count == 64)
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        _ = try await buildApplication(configuration, engines: TestConfiguration.engines)
        #expect(try String(contentsOf: file, encoding: .utf8) == first)
    }

    @Test("Environment variables win over storedesk.yaml; a bad port is a clear error")
    func configurationPrecedence() throws {
        let data = try TemporaryDirectory()
        let config = data.url.appendingPathComponent("Config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "server:\n  host: 0.0.0.0\n  port: 9000\nbot:\n  answerPrecision: 0.8\n  replies:\n    greeting: 您好呀\n".write(
            to: config.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
        let fromFile = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": config.path])
        #expect(fromFile.host == "0.0.0.0")
        #expect(fromFile.port == 9000)
        #expect(fromFile.bot.matching.answerPrecision == 0.8)
        #expect(fromFile.bot.replies.greeting == "您好呀")
        #expect(fromFile.bot.replies.thanks == BotReplies().thanks)
        let fromEnvironment = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": config.path, "STOREDESK_PORT": "8181"])
        #expect(fromEnvironment.port == 8181)
        #expect(throws: ConfigurationError.self) {
            try AppConfiguration.load(environment: ["STOREDESK_CONFIG": config.path, "STOREDESK_PORT": "eighty"])
        }
    }

    @Test("The shipped defaults: 127.0.0.1:8080, ./data, ./Config, WeCom off")
    func defaults() throws {
        let configuration = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory.lastPathComponent == "data")
        guard case .off = configuration.weCom else {
            Issue.record("WeCom must be off without its variables")
            return
        }
    }

    @Test("Texts split at line breaks within 2048 bytes, never inside a character, and join back")
    func splitter() {
        let text = (1...200).map { "第\($0)行：调拨单在 ERP 里查。" }.joined(separator: "\n")
        let parts = TextSplitter.split(text, maxBytes: 2048)
        #expect(parts.joined() == text)
        #expect(parts.allSatisfy { $0.utf8.count <= 2048 })
        #expect(parts.dropLast().allSatisfy { $0.hasSuffix("\n") })
        let unbroken = String(repeating: "长", count: 1000)
        let chunks = TextSplitter.split(unbroken, maxBytes: 2048)
        #expect(chunks.joined() == unbroken)
        #expect(chunks.map(\.utf8.count) == [2046, 954])
        #expect(TextSplitter.split("短", maxBytes: 2048) == ["短"])
    }
}
