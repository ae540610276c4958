import Foundation

/// A sentence model with a memory of the knowledge base's phrasings: an engine is rebuilt on every edit,
/// and embedding thousands of phrasings again would cost seconds each time (about 1–2 ms a phrasing on
/// one core), so each phrasing is embedded once and remembered while it is still in use.
///
/// Questions are embedded without being remembered: they are many and rarely come back word for word.
public final class SentenceEmbedder: Sendable {
    public let model: any SentenceEmbedding
    private let memory: Memory

    /// Phrasings remembered at most (2 KB each with 512 dimensions); beyond it the memory starts over
    /// with the texts of the build that overflowed it.
    static let capacity = 100_000
    /// Texts embedded by one worker at a time: enough for the model's batching to pay.
    static let chunkSize = 64

    public init(model: any SentenceEmbedding) {
        self.model = model
        memory = Memory()
    }

    public var modelName: String { model.modelName }

    /// The vector of one question (not remembered).
    public func embed(_ text: String) -> [Float] { model.embed([text])[0] }

    /// The vectors of a knowledge base's texts, in order: remembered ones from memory, the rest embedded
    /// on `workers` in chunks and remembered.
    public func embedKnowledge(_ texts: [String], workers: any ParallelWorkers = SerialWorkers()) -> [[Float]] {
        let known = memory.lookUp(texts)
        let missing = Array(Set(texts.indices.filter { known[$0] == nil }.map { texts[$0] })).sorted()
        var embedded: [String: [Float]] = [:]
        if !missing.isEmpty {
            let chunks = (missing.count + Self.chunkSize - 1) / Self.chunkSize
            let results = ParallelResults<[[Float]]>(count: chunks)
            workers.forEach(chunks) { [model] chunk in
                let range = (chunk * Self.chunkSize)..<min(missing.count, (chunk + 1) * Self.chunkSize)
                results.set(chunk, model.embed(Array(missing[range])))
            }
            embedded = Dictionary(uniqueKeysWithValues: zip(missing, results.values.flatMap { $0 }))
            memory.remember(embedded, keeping: Set(texts))
        }
        return texts.indices.map { known[$0] ?? embedded[texts[$0]]! }
    }

    /// Texts remembered now (for tests).
    var rememberedCount: Int { memory.count }

    /// The remembered vectors, behind a lock: builds run on several threads.
    private final class Memory: @unchecked Sendable {
        private var vectors: [String: [Float]] = [:]
        private let lock = NSLock()

        func lookUp(_ texts: [String]) -> [[Float]?] {
            lock.withLock { texts.map { vectors[$0] } }
        }

        func remember(_ new: [String: [Float]], keeping inUse: Set<String>) {
            lock.withLock {
                if vectors.count + new.count > SentenceEmbedder.capacity {
                    vectors = vectors.filter { inUse.contains($0.key) }
                }
                vectors.merge(new) { old, _ in old }
            }
        }

        var count: Int { lock.withLock { vectors.count } }
    }
}
