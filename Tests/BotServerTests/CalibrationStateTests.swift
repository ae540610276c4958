import Categories
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

@Suite("No stale calibration after a large knowledge change")
struct CalibrationStateTests {
    static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/x-ndjson"]
    static let json: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]

    private func ask(_ client: any TestClientProtocol, _ text: String) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["text": text])
        return jsonObject(
            try await client.execute(uri: "/api/v1/ask", method: .post, headers: Self.json, body: ByteBuffer(bytes: body)))
    }

    @Test("A replace import returns once its own calibration is live: asked at once, the new knowledge base answers")
    func replaceCalibratesBeforeReturning() async throws {
        // The seed under new ids: every entry is new to the calibration made at start.
        let lines = try String(
            contentsOf: TestConfiguration.seedConfig.appendingPathComponent("knowledge.jsonl"), encoding: .utf8
        )
        .split(separator: "\n").map { $0.replacingOccurrences(of: #"{"id":""#, with: #"{"id":"new-"#) }
        try await withRouterServer { client in
            let before = try await ask(client, "调拨单在哪查")
            #expect(before["calibration"] as? String == "calibrated")
            #expect(before["decision"] as? String == "answer")

            let imported = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=replace", method: .post, headers: Self.auth,
                body: ByteBuffer(string: lines.joined(separator: "\n")))
            #expect(imported.status == .ok)
            #expect(jsonObject(imported)["calibration"] as? String == "calibrated")
            let right = try await ask(client, "调拨单在哪查")
            #expect(right["calibration"] as? String == "calibrated")
            #expect(right["decision"] as? String == "answer")
            #expect((right["top"] as? [[String: Any]])?.first?["id"] as? String == "new-logistics-001")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(String(buffer: ready.body).contains("calibration: calibrated"))

            // A small edit after it is answerable at once on the same thresholds (provisional), not waited for.
            let edited = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=merge", method: .post, headers: Self.auth,
                body: ByteBuffer(string: lines[0]))
            #expect(edited.status == .ok)
            #expect(jsonObject(edited)["calibration"] as? String != "conservative")
        }
    }

    @Test("While a large change is being calibrated, the live engine suggests instead of answering")
    func conservativeWhileCalibrating() async throws {
        let seed = try KnowledgeBase.load(
            categoriesFile: TestConfiguration.seedConfig.appendingPathComponent("categories.jsonl"),
            knowledgeFile: TestConfiguration.seedConfig.appendingPathComponent("knowledge.jsonl"))
        let live = await LiveKnowledge(knowledgeBase: seed, settings: BotSettings(), builder: TestConfiguration.engines)
        let renamed = try KnowledgeBase(
            categories: seed.categories,
            entries: seed.entries.map { entry in
                var entry = entry
                entry.id = KnowledgeEntryID(rawValue: "new-" + entry.id.rawValue)
                return entry
            })
        // The engine in place while `replace` calibrates is the provisional one, marked stale.
        let provisional = QuestionEngine(knowledgeBase: renamed, reusingCalibrationOf: await live.engine)
        #expect(provisional.calibration.state == .conservative)
        #expect(provisional.understand("调拨单在哪查").suggestion == .suggest)
        #expect(await live.replace(with: renamed) == .calibrated)
        #expect(await live.engine.understand("调拨单在哪查").suggestion == .answer)
    }
}
