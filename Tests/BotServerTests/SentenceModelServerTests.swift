import Categories
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// The sentence model as the server loads it: by default from `models/use-m3` in the data folder (where
/// scripts/fetch-sentence-model.py puts it), lexical-only without it, and a clear error for a folder named
/// that cannot be loaded.
@Suite("The sentence model in the server")
struct SentenceModelServerTests {
    /// The folder the fetch script fills in this checkout (tests that need it are skipped without it).
    static let fetched = TestConfiguration.seedConfig.deletingLastPathComponent().appendingPathComponent("data/models/use-m3")
    static let isFetched = FileManager.default.fileExists(atPath: fetched.appendingPathComponent("sp.model").path)

    @Test("Without the model the server runs lexical-only and says so on /readyz")
    func lexicalOnly() async throws {
        try await withRouterServer { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(String(buffer: ready.body).hasSuffix("matching: character n-grams\n"))
        }
    }

    @Test("A model folder that is named but cannot be loaded stops the start, saying how to mend it; off turns it off")
    func namedButMissing() throws {
        let data = try TemporaryDirectory()
        #expect {
            try TestConfiguration.make(data: data.url, apiBase: nil, extra: ["STOREDESK_SENTENCE_MODEL": "/nonexistent/use-m3"])
        } throws: { error in
            "\(error)".contains("/nonexistent/use-m3") && "\(error)".contains("fetch-sentence-model.py")
        }
        let off = try TestConfiguration.make(data: data.url, apiBase: nil, extra: ["STOREDESK_SENTENCE_MODEL": "off"])
        #expect(off.bot.embedder == nil)
        if case .off = off.sentenceModel {} else { Issue.record("expected the model turned off") }
    }

    @Test(
        "With the model fetched: /readyz says so, and ask ranks by meaning",
        .enabled(if: isFetched, "no sentence model in data/models/use-m3 (scripts/fetch-sentence-model.py)"))
    func withModel() async throws {
        let data = try TemporaryDirectory()
        let configuration = try TestConfiguration.make(
            data: data.url, apiBase: nil, extra: ["STOREDESK_SENTENCE_MODEL": Self.fetched.path])
        #expect(configuration.bot.embedder?.modelName == "use-multilingual-v3")
        let app = try await buildApplication(configuration, engines: TestConfiguration.engines)
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(String(buffer: ready.body).contains("matching: character n-grams + sentence model use-multilingual-v3"))
            let body = try JSONSerialization.data(withJSONObject: ["text": "调撥單在哪查"])
            let answer = jsonObject(
                try await client.execute(
                    uri: "/api/v1/ask", method: .post, headers: CalibrationStateTests.json, body: ByteBuffer(bytes: body)))
            #expect((answer["top"] as? [[String: Any]])?.first?["id"] as? String == "logistics-001")
            #expect(answer["decision"] as? String == "answer")
        }
    }
}
