import ArgumentParser
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
        let queries = data.url.appendingPathComponent("q.jsonl")
        try Self.questions.map { #"{"query": "\#($0)"}"# }.joined(separator: "\n").write(
            to: queries, atomically: true, encoding: .utf8)
        let out = data.url.appendingPathComponent("p.jsonl")
        let seed = TestConfiguration.seedConfig
        try await Evaluate.parse([
            "--categories", seed.appendingPathComponent("categories.jsonl").path, "--kb",
            seed.appendingPathComponent("knowledge.jsonl").path, "--synonyms", seed.appendingPathComponent("synonyms.jsonl").path,
            "--queries", queries.path, "--out", out.path,
        ]).run()
        let evaluated = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["decision"] as? String
        }
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
}
