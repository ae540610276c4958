import Categories
import Foundation
import Logging

/// The hand-over intent classifier, trained at start from `intents.jsonl` in the configuration folder,
/// or why the lexicon alone reads the signals.
enum IntentsLoading: Sendable {
    /// Trained (or found already trained in this process) in `duration`.
    case trained(IntentClassifier, duration: Duration)
    /// No corpus at `path`: the built-in and configured lexicon alone, as before the classifier.
    case missing(path: String)

    static let fileName = "intents.jsonl"

    /// Reads and trains `configDirectory/intents.jsonl`. A corpus that is there but cannot be read is a
    /// configuration error; one that is not there is a warning.
    static func load(from configDirectory: URL) throws(ConfigurationError) -> IntentsLoading {
        let url = configDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing(path: url.path) }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let classifier = try IntentClassifier.trained(from: url, workers: ThreadPoolWorkers())
            return .trained(classifier, duration: clock.now - started)
        } catch {
            throw ConfigurationError("\(url.path) is not valid: \(error)")
        }
    }

    var classifier: IntentClassifier? {
        switch self {
        case .trained(let classifier, _): classifier
        case .missing: nil
        }
    }

    /// One line at start: what the classifier learnt and its cross-validation, or the warning.
    func log(to logger: Logger) {
        switch self {
        case .trained(let classifier, let duration):
            var metadata: Logger.Metadata = [
                "examples": "\(classifier.exampleCount)", "seconds": "\(duration)", "fingerprint": "\(classifier.fingerprint)",
            ]
            for (intent, score) in classifier.crossValidation {
                metadata[intent.rawValue] = "P \(score.precision.formatted(places: 3)) R \(score.recall.formatted(places: 3))"
            }
            logger.info("Hand-over intent classifier trained (cross-validation on its corpus)", metadata: metadata)
        case .missing(let path):
            logger.warning(
                "No hand-over intent corpus: signals come from the lexicon alone", metadata: ["missing": "\(path)"])
        }
    }
}

extension Double {
    fileprivate func formatted(places: Int) -> String { String(format: "%.\(places)f", self) }
}
