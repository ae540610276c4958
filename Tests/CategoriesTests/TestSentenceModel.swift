import Categories
import Foundation
import SentenceModel
import Testing

/// The sentence model fetched by scripts/fetch-sentence-model.py (never committed): tests that need it are
/// skipped without it, as StoreDesk then runs lexical-only.
enum TestSentenceModel {
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment[SentenceEncoder.directoryEnvironmentVariable],
            !override.isEmpty, override != "off"
        {
            return URL(fileURLWithPath: override)
        }
        return KnowledgeBaseTests.seedDirectory.deletingLastPathComponent().appendingPathComponent(
            SentenceEncoder.defaultDirectory)
    }()

    static let isAvailable = FileManager.default.fileExists(atPath: directory.appendingPathComponent("sp.model").path)

    static let skipReason = Comment(
        rawValue: "no sentence model at \(directory.path): run scripts/fetch-sentence-model.py (lexical-only tests still run)")

    /// One model for the whole run, behind the matcher's protocol.
    static let embedder: SentenceEmbedder? = isAvailable ? SentenceEmbedder(model: try! Model(directory: directory)) : nil

    /// Google's multilingual Universal Sentence Encoder as the matcher's sentence model (as BotServer wires it),
    /// counting the texts it embeds.
    final class Model: SentenceEmbedding {
        let encoder: SentenceEncoder
        private let counter = Counter()

        init(directory: URL) throws { encoder = try SentenceEncoder(directory: directory) }

        var modelName: String { "use-multilingual-v3" }
        var dimension: Int { SentenceEncoder.dimension }
        var embeddedCount: Int { counter.value }

        func embed(_ texts: [String]) -> [[Float]] {
            counter.add(texts.count)
            return encoder.embed(texts)
        }
    }

    final class Counter: @unchecked Sendable {
        private var count = 0
        private let lock = NSLock()
        func add(_ n: Int) { lock.withLock { count += n } }
        var value: Int { lock.withLock { count } }
    }
}
