import Foundation
import Synchronization

extension IntentClassifier {
    /// The classifier trained on the corpus file at `url` with `policy`. Training is deterministic, so a
    /// corpus already trained in this process (the same content and policy) is not trained again: the
    /// server, `eval` and each test that loads the same configuration share one.
    /// - Parameter workers: who runs the cross-validation's folds, made only when there is training to do.
    public static func trained(
        from url: URL, policy: IntentPolicy = IntentPolicy(), embedder: SentenceEmbedder? = nil,
        workers: @autoclosure () -> any ParallelWorkers = SerialWorkers()
    ) throws(IntentCorpusError) -> IntentClassifier {
        trained(corpus: try IntentCorpus(contentsOf: url), policy: policy, embedder: embedder, workers: workers())
    }

    /// The classifier trained on `corpus` with `policy` (and `embedder`'s vectors), trained by the first
    /// caller in this process, shared after that.
    /// - Parameter didTrain: called with the classifier and how long it took, when this call trained it.
    public static func trained(
        corpus: IntentCorpus, policy: IntentPolicy = IntentPolicy(), embedder: SentenceEmbedder? = nil,
        workers: @autoclosure () -> any ParallelWorkers = SerialWorkers(),
        didTrain: (IntentClassifier, Duration) -> Void = { _, _ in }
    ) -> IntentClassifier {
        let fingerprint = fingerprint(of: corpus, policy: policy, sentenceModel: embedder?.modelName)
        return TrainedIntentClassifiers.shared.classifier(fingerprint) {
            let clock = ContinuousClock()
            let started = clock.now
            let classifier = IntentClassifier(corpus: corpus, policy: policy, embedder: embedder, workers: workers())
            didTrain(classifier, clock.now - started)
            return classifier
        }
    }
}

/// The classifiers trained in this process, by fingerprint (a corpus or two: a few megabytes each).
final class TrainedIntentClassifiers: Sendable {
    static let shared = TrainedIntentClassifiers()
    private let classifiers = Mutex<[String: IntentClassifier]>([:])

    /// The classifier of `fingerprint`, trained by `training` if this process has none yet. Training
    /// holds the lock: callers that come meanwhile (servers starting together in the tests) wait for that
    /// one training instead of each running its own.
    func classifier(_ fingerprint: String, training: () -> IntentClassifier) -> IntentClassifier {
        classifiers.withLock { known in
            if let classifier = known[fingerprint] { return classifier }
            let classifier = training()
            known[fingerprint] = classifier
            return classifier
        }
    }
}
