import Foundation
import Synchronization

extension IntentClassifier {
    /// The classifier trained on the corpus file at `url` with `policy`. Training is deterministic, so a
    /// corpus already trained in this process (the same content and policy) is not trained again: the
    /// server, `eval` and each test that loads the same configuration share one.
    /// - Parameter workers: who runs the cross-validation's folds, made only when there is training to do.
    public static func trained(
        from url: URL, policy: IntentPolicy = IntentPolicy(),
        workers: @autoclosure () -> any ParallelWorkers = SerialWorkers()
    ) throws(IntentCorpusError) -> IntentClassifier {
        let corpus = try IntentCorpus(contentsOf: url)
        return TrainedIntentClassifiers.shared.classifier(fingerprint(of: corpus, policy: policy)) {
            IntentClassifier(corpus: corpus, policy: policy, workers: workers())
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
