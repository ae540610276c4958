import ArgumentParser
import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

@Suite("POST /api/v1/ask, the dry run")
struct AskTests {
    static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]
    static let questions = ["调拨单在哪查", "小票", "转人工", "华东区的促销活动什么时候开始", "你好", "明天北京会下雨吗", "怎么退"]

    @Test("Answers in the contract's shape, hand-over rules included, storing nothing")
    func shape() async throws {
        try await withRouterServer { client in
            let response = try await client.execute(
                uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: #"{"text": "调拨单在哪查"}"#))
            #expect(response.status == .ok)
            let body = jsonObject(response)
            #expect(body["decision"] as? String == "answer")
            #expect(body["category"] as? String == "logistics")
            let top = try #require(body["top"] as? [[String: Any]])
            #expect(top.count <= 5)
            #expect(top.first?["id"] as? String == "logistics-001")
            #expect(top.first?["question"] as? String == "调拨单在哪查")
            #expect(top.allSatisfy { (0...1).contains($0["score"] as? Double ?? -1) })
            #expect((0...1).contains(body["confidence"] as? Double ?? -1))
            #expect((body["reply"] as? String)?.contains("调拨单查询") == true)
            #expect(body["reasons"] as? [String] == [])

            let human = jsonObject(
                try await client.execute(
                    uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: #"{"text": "我要投诉，转人工"}"#)))
            #expect(human["decision"] as? String == "escalate")
            #expect(human["reasons"] as? [String] == ["requested_human", "complaint"])

            // No category fits a greeting: the field is there, as null.
            let greeting = jsonObject(
                try await client.execute(
                    uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: #"{"text": "你好"}"#)))
            #expect(greeting["decision"] as? String == "smalltalk")
            #expect(greeting.keys.contains("category"))
            #expect(greeting["category"] is NSNull)

            // An order number alone is no emergency, whatever its digits look like to the intent classifier.
            let number = jsonObject(
                try await client.execute(
                    uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: #"{"text": "SO20261203001"}"#)
                ))
            #expect((number["reasons"] as? [String])?.contains("urgent") == false)

            // Written in traditional, answered like simplified, and the reply comes back in traditional.
            let traditional = jsonObject(
                try await client.execute(
                    uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: #"{"text": "調撥單在哪查"}"#)))
            #expect(traditional["decision"] as? String == "answer")
            #expect((traditional["top"] as? [[String: Any]])?.first?["id"] as? String == "logistics-001")
            #expect((traditional["reply"] as? String)?.contains("調撥單查詢") == true)

            let bad = try await client.execute(
                uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(string: "{}"))
            #expect(bad.status == .badRequest)
            let unauthorized = try await client.execute(
                uri: "/api/v1/ask", method: .post, body: ByteBuffer(string: #"{"text":"x"}"#))
            #expect(unauthorized.status == .unauthorized)
        }
    }

    @Test("The dry run and eval give the same decisions")
    func sameAsEval() async throws {
        let data = try TemporaryDirectory()
        let evaluated = try await evalDecisions(Self.questions, config: TestConfiguration.seedConfig, in: data.url)
        try await withRouterServer { client in
            for (question, expected) in zip(Self.questions, evaluated) {
                let body = try JSONSerialization.data(withJSONObject: ["text": question])
                let answer = jsonObject(
                    try await client.execute(uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(bytes: body))
                )
                #expect(answer["decision"] as? String == expected, "\(question)")
            }
        }
    }

    @Test("With phrases added to the lexicon in storedesk.yaml, ask, eval and the live conversation still agree")
    func sameWithCustomLexicon() async throws {
        let folder = try TemporaryDirectory()
        let config = folder.url.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: TestConfiguration.seedConfig, to: config)
        let yaml = config.appendingPathComponent("storedesk.yaml")
        try (try String(contentsOf: yaml, encoding: .utf8))
            .replacingOccurrences(of: "    requestedHuman: []", with: "    requestedHuman: [找老王]")
            .replacingOccurrences(of: "    places: []", with: "    places: [大悦城店]")
            .write(to: yaml, atomically: true, encoding: .utf8)
        let questions = ["找老王看下调拨单在哪查", "大悦城店的调拨单在哪查"] + Self.questions
        let evaluated = try await evalDecisions(questions, config: config, in: folder.url)
        #expect(evaluated.first == "escalate")
        try await withLiveServer(config: { _ in config }) { client, wecom, dataURL in
            for (question, expected) in zip(questions, evaluated) {
                let body = try JSONSerialization.data(withJSONObject: ["text": question])
                let answer = jsonObject(
                    try await client.execute(uri: "/api/v1/ask", method: .post, headers: Self.auth, body: ByteBuffer(bytes: body))
                )
                #expect(answer["decision"] as? String == expected, "\(question)")
            }
            // The live conversation hands the same message over, with the lexicon's reason.
            try await client.post(try TestWeCom.fixture.text(from: "lisi", questions[0], msgID: 61001))
            #expect(
                await databaseEventually(
                    dataURL, "SELECT reasons FROM unanswered_question WHERE user_id = 'lisi'", is: #"["requested_human"]"#))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
        }
    }
}
