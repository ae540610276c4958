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

    @Test("A replace import suggests instead of answering until its own calibration lands, and says so")
    func replaceIsConservativeUntilCalibrated() async throws {
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
            let right = try await ask(client, "调拨单在哪查")
            // Asked at once, well inside the 2 s before the recalibration even starts.
            #expect(right["calibration"] as? String == "conservative")
            #expect(right["decision"] as? String == "suggest")
            #expect((right["top"] as? [[String: Any]])?.first?["id"] as? String == "new-logistics-001")
            let conservative = try await client.execute(uri: "/readyz", method: .get)
            #expect(conservative.status == .ok)
            #expect(String(buffer: conservative.body).contains("calibration: conservative"))
            // The new calibration lands in the background (2 s after the last edit, then the build).
            var last: [String: Any] = [:]
            let landed = await eventually(timeout: .seconds(60)) {
                last = (try? await ask(client, "调拨单在哪查")) ?? [:]
                return last["calibration"] as? String == "calibrated"
            }
            #expect(landed)
            #expect(last["decision"] as? String == "answer")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(String(buffer: ready.body).contains("calibration: calibrated"))
        }
    }
}
