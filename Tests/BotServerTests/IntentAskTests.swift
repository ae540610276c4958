import ArgumentParser
import Categories
import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// The hand-over intent classifier as the server has it: trained from `intents.jsonl` in the configuration
/// folder, read by `POST /api/v1/ask`, `eval` and the live conversation alike, and overridden both ways by
/// `bot.signals` in `storedesk.yaml`.
@Suite("Hand-over intents through the server")
struct IntentAskTests {
    static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]

    @Test("Issue 9's cases: requests in other words, an outage, anger without the lexicon's words go to a person")
    func handedOver() async throws {
        let cases: [(text: String, reason: String)] = [
            ("能让负责物流的同事联系我一下吗", "requested_human"), ("麻烦让IT的人打我电话", "requested_human"),
            ("全店收银机都开不了机，顾客排长队结不了账", "urgent"), ("网络断了 所有POS都收不了款", "urgent"),
            ("调拨单又没到？？？", "complaint"), ("第三次问了！！！还是没人处理😡", "complaint"),
        ]
        try await withRouterServer { client in
            for (text, reason) in cases {
                let answer = try await Self.ask(text, client)
                #expect(answer["decision"] as? String == "escalate", "\(text)")
                #expect((answer["reasons"] as? [String])?.contains(reason) == true, "\(text): \(answer["reasons"] ?? "")")
            }
            // Questions with an intent's words but not its intent: no hand-over for it, and the knowledge
            // base's own questions are answered or offered.
            for text in ["人工成本怎么算", "顾客投诉怎么登记", "紧急补货单怎么提"] {
                let reasons = try await Self.ask(text, client)["reasons"] as? [String] ?? []
                #expect(Set(reasons).isDisjoint(with: ["requested_human", "complaint", "urgent"]), "\(text): \(reasons)")
            }
            for text in ["顾客投诉怎么登记", "紧急补货单怎么提"] {
                #expect(["answer", "suggest"].contains(try await Self.ask(text, client)["decision"] as? String), "\(text)")
            }
        }
    }

    @Test("storedesk.yaml's phrases force a signal on, `not` forces it off: ask, eval and the live conversation agree")
    func overridesAgree() async throws {
        let folder = try TemporaryDirectory()
        let config = folder.url.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: TestConfiguration.seedConfig, to: config)
        let yaml = config.appendingPathComponent("storedesk.yaml")
        try (try String(contentsOf: yaml, encoding: .utf8))
            .replacingOccurrences(
                of: "    requestedHuman: []",
                with: "    requestedHuman: [找老王]\n    not:\n      complaint: [又没到]\n      urgent: [收不了款]"
            )
            .write(to: yaml, atomically: true, encoding: .utf8)
        let questions = [
            "找老王看下调拨单在哪查", "调拨单又没到？？？", "网络断了 所有POS都收不了款", "人工成本怎么算", "谢谢，调拨单在哪查", "早上好呀各位",
        ]
        let evaluated = try await evalDecisions(questions, config: config, in: folder.url)
        #expect(evaluated[0] == "escalate")
        try await withLiveServer(config: { _ in config }) { client, wecom, dataURL in
            for (question, expected) in zip(questions, evaluated) {
                let answer = try await Self.ask(question, client)
                #expect(answer["decision"] as? String == expected, "\(question)")
                let reasons = answer["reasons"] as? [String] ?? []
                switch question {
                case "找老王看下调拨单在哪查": #expect(reasons.contains("requested_human"))
                case "调拨单又没到？？？": #expect(!reasons.contains("complaint"))
                case "网络断了 所有POS都收不了款": #expect(!reasons.contains("urgent"))
                case "谢谢，调拨单在哪查": #expect(expected == "answer")
                case "早上好呀各位": #expect(expected == "smalltalk")
                default: break
                }
            }
            // The live conversation hands the forced one over, with the lexicon's reason.
            try await client.post(try TestWeCom.fixture.text(from: "lisi", questions[0], msgID: 61501))
            #expect(
                await databaseEventually(
                    dataURL, "SELECT reasons FROM unanswered_question WHERE user_id = 'lisi'", is: #"["requested_human"]"#))
        }
    }

    @Test("Without intents.jsonl the lexicon alone reads the signals, as before, and the start says so")
    func withoutCorpus() async throws {
        let folder = try TemporaryDirectory()
        let config = folder.url.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: TestConfiguration.seedConfig, to: config)
        try FileManager.default.removeItem(at: config.appendingPathComponent("intents.jsonl"))
        let configuration = try TestConfiguration.make(data: folder.url, config: config, apiBase: nil)
        #expect(configuration.bot.intents == nil)
        guard case .missing(let path) = configuration.intents else {
            Issue.record("expected no classifier")
            return
        }
        #expect(path.hasSuffix("intents.jsonl"))
        #expect(configuration.bot.lexicon == SignalLexicon.standard.merging(configuration.bot.signalOverrides))
        let evaluated = try await evalDecisions(["人工成本怎么算", "转人工"], config: config, in: folder.url)
        // The built-in lexicon's 人工 hands over 人工成本怎么算 too: what the classifier is for.
        #expect(evaluated == ["escalate", "escalate"])

        let seeded = try TestConfiguration.make(data: folder.url, apiBase: nil)
        #expect(seeded.bot.intents != nil)
        #expect(seeded.bot.lexicon.requestedHuman == SignalLexicon.assured.requestedHuman)
    }

    @Test("A corpus that cannot be read stops the start with the line that is wrong")
    func badCorpus() throws {
        let folder = try TemporaryDirectory()
        let config = folder.url.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: TestConfiguration.seedConfig, to: config)
        try #"{"text": "转人工", "intents": ["human"]}"#.write(
            to: config.appendingPathComponent("intents.jsonl"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) {
            try TestConfiguration.make(data: folder.url, config: config, apiBase: nil)
        }
    }

    private static func ask(_ text: String, _ client: any TestClientProtocol) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["text": text])
        return jsonObject(
            try await client.execute(uri: "/api/v1/ask", method: .post, headers: auth, body: ByteBuffer(bytes: body)))
    }

}
