import Categories
import Foundation
import Logging

/// The hand-over intent corpus, read at start from `intents.jsonl` in the configuration folder, or why
/// the lexicon alone reads the signals.
enum IntentsLoading: Sendable {
    /// Read: the classifier is trained with the first engine (`IntentsSource`).
    case read(IntentsSource)
    /// No corpus at `path`: the built-in and configured lexicon alone, as before the classifier.
    case missing(path: String)

    static let fileName = "intents.jsonl"

    /// Reads `configDirectory/intents.jsonl`. A corpus that is there but cannot be read is a
    /// configuration error; one that is not there is a warning.
    /// - Parameters:
    ///   - embedder: the sentence model, whose vectors are the classifier's features beside its n-grams.
    ///   - logger: where the classifier's training is logged, once it has run.
    static func load(from configDirectory: URL, embedder: SentenceEmbedder?, logger: Logger) throws(ConfigurationError)
        -> IntentsLoading
    {
        let url = configDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing(path: url.path) }
        do {
            let corpus = try IntentCorpus(contentsOf: url)
            return .read(IntentsSource(corpus: corpus, embedder: embedder, logger: logger))
        } catch {
            throw ConfigurationError("\(url.path) is not valid: \(error)")
        }
    }

    var source: IntentsSource? {
        switch self {
        case .read(let source): source
        case .missing: nil
        }
    }

    /// One line at start: the corpus read, or the warning.
    func log(to logger: Logger) {
        switch self {
        case .read(let source):
            logger.info(
                "Hand-over intent corpus read: the classifier is trained with the first engine",
                metadata: [
                    "examples": "\(source.corpus.examples.count)", "fingerprint": "\(source.fingerprint)",
                    "sentenceModel": "\(source.embedder?.modelName ?? "none")",
                ])
        case .missing(let path):
            logger.warning(
                "No hand-over intent corpus: signals come from the lexicon alone", metadata: ["missing": "\(path)"])
        }
    }
}

/// A hand-over intent corpus, trained into its classifier when the first engine is built: seconds with a
/// sentence model (its vectors of the corpus, and 512 more features to learn), which would otherwise
/// keep the server from opening after a restart while WeCom retries its callbacks.
final class IntentsSource: Sendable, Hashable {
    let corpus: IntentCorpus
    let policy: IntentPolicy
    let embedder: SentenceEmbedder?
    /// The classifier's fingerprint, known before training.
    let fingerprint: String
    private let logger: Logger

    init(corpus: IntentCorpus, policy: IntentPolicy = IntentPolicy(), embedder: SentenceEmbedder?, logger: Logger) {
        self.corpus = corpus
        self.policy = policy
        self.embedder = embedder
        self.logger = logger
        fingerprint = IntentClassifier.fingerprint(of: corpus, policy: policy, sentenceModel: embedder?.modelName)
    }

    /// The trained classifier: trained now by the first caller (others wait), then shared by the process.
    func classifier(workers: any ParallelWorkers) -> IntentClassifier {
        IntentClassifier.trained(corpus: corpus, policy: policy, embedder: embedder, workers: workers) { classifier, duration in
            var metadata: Logger.Metadata = [
                "examples": "\(classifier.exampleCount)", "seconds": "\(duration)", "fingerprint": "\(classifier.fingerprint)",
            ]
            for (intent, score) in classifier.crossValidation {
                metadata[intent.rawValue] = "P \(score.precision.formatted(places: 3)) R \(score.recall.formatted(places: 3))"
            }
            logger.info("Hand-over intent classifier trained (cross-validation on its corpus)", metadata: metadata)
        }
    }

    static func == (lhs: IntentsSource, rhs: IntentsSource) -> Bool { lhs.fingerprint == rhs.fingerprint }
    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

extension Double {
    fileprivate func formatted(places: Int) -> String { String(format: "%.\(places)f", self) }
}
