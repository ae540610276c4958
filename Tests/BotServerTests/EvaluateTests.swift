import ArgumentParser
import Foundation
import Testing

@testable import BotServer

@Suite("BotServer eval")
struct EvaluateTests {
    @Test("Writes one scorer line per query, in order: answer with the entry first, or escalate with candidates")
    func predictions() async throws {
        let data = try TemporaryDirectory()
        let queries = data.url.appendingPathComponent("queries.jsonl")
        try """
        {"query": "调拨单在哪查", "expected_id": "logistics-001"}
        {"query": "明天北京会下雨吗", "expected_id": null}
        """.write(to: queries, atomically: true, encoding: .utf8)
        let out = data.url.appendingPathComponent("predictions.jsonl")
        let seed = TestConfiguration.seedConfig
        let command = try Evaluate.parse([
            "--categories", seed.appendingPathComponent("categories.jsonl").path,
            "--kb", seed.appendingPathComponent("knowledge.jsonl").path,
            "--queries", queries.path, "--out", out.path,
        ])
        try await command.run()
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.count == 2)
        #expect(lines[0]["query"] as? String == "调拨单在哪查")
        #expect(lines[0]["decision"] as? String == "answer")
        #expect((lines[0]["top"] as? [String])?.first == "logistics-001")
        #expect(lines[0]["category"] as? String == "logistics")
        #expect(lines[1]["decision"] as? String != "answer")
    }

    @Test("A bad knowledge file is a clear error, not a crash")
    func badInput() async throws {
        let command = try Evaluate.parse([
            "--categories", "/nonexistent/categories.jsonl", "--kb", "/nonexistent/kb.jsonl", "--queries", "/q", "--out", "/o",
        ])
        await #expect(throws: (any Error).self) { try await command.run() }
    }
}
