import Foundation
import Testing

@testable import SentenceModel

/// Where the tests find the model and the reference fixture.
enum TestModel {
    /// The package root, found from this file's location.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SentenceModelTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// STOREDESK_SENTENCE_MODEL, or data/models/use-m3 under the package root.
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment[SentenceEncoder.directoryEnvironmentVariable],
            !override.isEmpty
        {
            return URL(fileURLWithPath: override, relativeTo: packageRoot).standardizedFileURL
        }
        return packageRoot.appendingPathComponent(SentenceEncoder.defaultDirectory)
    }()

    /// Whether the fetched model folder is there (tests that need it are skipped otherwise).
    static let isAvailable: Bool =
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("sp.model").path)
        && FileManager.default.fileExists(atPath: directory.appendingPathComponent("q1.npy").path)

    static let skipReason = Comment(
        rawValue:
            "model folder \(directory.path) not found; run scripts/fetch-sentence-model.py or set \(SentenceEncoder.directoryEnvironmentVariable)"
    )

    /// One encoder for the whole test run (loading is the slow part in debug
    /// builds); a load failure is kept so the test reports it verbatim.
    static let loadedEncoder = Result { try SentenceEncoder(directory: directory) }

    static func encoder() throws -> SentenceEncoder {
        try loadedEncoder.get()
    }

    static func tokenizer() throws -> SentencePieceTokenizer {
        try encoder().tokenizer
    }

    /// The fixture and each of its sentences embedded alone, computed once
    /// and shared by the tests that compare against them.
    static let fixtureEmbeddings = Result { () throws -> (ReferenceFixture, [[Float]]) in
        let fixture = try ReferenceFixture.load()
        let model = try TestModel.encoder()
        return (fixture, fixture.cases.map { model.embed($0.text) })
    }
}

/// The reference written by scripts/make-reference.py from the wheel's own code.
struct ReferenceFixture: Decodable {
    struct Case: Decodable {
        let text: String
        let normalized: String
        let ids: [Int]
        let embeddingBase64: String

        enum CodingKeys: String, CodingKey {
            case text, normalized, ids
            case embeddingBase64 = "embedding_f32le_base64"
        }

        /// The reference embedding (little-endian float32 bits).
        var embedding: [Float] {
            guard let data = Data(base64Encoded: embeddingBase64) else { return [] }
            return data.withUnsafeBytes { raw in
                (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            }
        }
    }

    struct Pair: Decodable {
        let a: String
        let b: String
        let cosine: Double
    }

    let dimension: Int
    let pairs: [Pair]
    let cases: [Case]

    static let url = TestModel.packageRoot.appendingPathComponent("Tests/SentenceModelTests/Fixtures/reference.json")

    static func load() throws -> ReferenceFixture {
        try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// Cosine in Double, so the check itself adds no rounding worth mentioning.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, normA = 0.0, normB = 0.0
    for index in a.indices {
        dot += Double(a[index]) * Double(b[index])
        normA += Double(a[index]) * Double(a[index])
        normB += Double(b[index]) * Double(b[index])
    }
    return dot / (normA * normB).squareRoot()
}

func norm(_ a: [Float]) -> Double {
    a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}
