import Foundation
import Testing

@testable import Categories

/// The held-out set (`Fixtures/intents-heldout.jsonl`, see its README): written separately from the training
/// corpus, by someone who never saw it, and never trained or tuned on. Measured once the method and the
/// thresholds had been chosen by cross-validation on the training corpus.
@Suite("The intent classifier on the held-out set")
struct IntentHeldOutTests {
    static let heldOut = try! IntentCorpus(
        contentsOf: Bundle.module.url(forResource: "intents-heldout", withExtension: "jsonl", subdirectory: "Fixtures")!)

    /// What was measured (README's table), a little lower: a change that makes an intent worse is seen.
    /// Measured with the corpus's second batch (4,145 lines): requested_human 0.963 / 0.929, complaint
    /// 0.913 / 0.859, urgent 0.987 / 0.902, regional 0.931 / 0.988, smalltalk 1.000 / 0.960, off_topic
    /// 1.000 / 0.740 (precision / recall; with the first 3,428 lines recall was 0.800, 0.765, 0.805, 0.976,
    /// 0.920, 0.740).
    static let floors: [Intent: (precision: Double, recall: Double)] = [
        .requestedHuman: (0.95, 0.92), .complaint: (0.90, 0.85), .urgent: (0.97, 0.89), .regional: (0.92, 0.97),
        .smalltalk: (0.98, 0.94), .offTopic: (0.98, 0.72),
    ]

    @Test("Precision and recall per intent")
    func perIntent() {
        #expect(Self.heldOut.examples.count == 529)
        let scores = IntentClassifierTests.classifier.evaluate(on: Self.heldOut)
        for intent in Intent.allCases {
            let score = scores[intent]!
            print("held-out \(intent.rawValue): \(score)")
            if let floor = Self.floors[intent] {
                #expect(score.precision >= floor.precision, "\(intent)")
                #expect(score.recall >= floor.recall, "\(intent)")
            }
        }
    }

    /// The built-in phrases kept beside the classifier (`SignalLexicon.assured`, for an existing server test's
    /// 转人工，收银机一直报错): measured requested_human 0.952 / 0.941 and urgent 0.987 / 0.915 as served.
    @Test("As served: the signal detector with the server's built-in lexicon beside the classifier")
    func served() {
        let scores = Self.served(by: IntentClassifierTests.classifier)
        for intent in Intent.allCases {
            print("held-out as served \(intent.rawValue): \(scores[intent]!)")
            let floor = Self.floors[intent]!
            #expect(scores[intent]!.precision >= floor.precision - 0.02, "\(intent)")
            #expect(scores[intent]!.recall >= floor.recall, "\(intent)")
        }
    }

    /// Each intent's precision and recall on the held-out set as the server reads it: the signal detector with
    /// the built-in lexicon beside `classifier`.
    static func served(by classifier: IntentClassifier) -> [Intent: IntentScore] {
        let detector = SignalDetector(lexicon: .standard(withClassifier: true), intents: classifier)
        var scores = Dictionary(uniqueKeysWithValues: Intent.allCases.map { ($0, IntentScore()) })
        for example in heldOut.examples {
            let reading = detector.read(example.text)
            for intent in Intent.allCases {
                let said: Bool =
                    switch intent {
                    case .smalltalk: reading.isSmalltalk || reading.chat == .smalltalk
                    case .offTopic: reading.chat == .offTopic
                    default: reading.signals.contains(intent.signal!)
                    }
                scores[intent]!.add(actual: example.intents.contains(intent), predicted: said)
            }
        }
        return scores
    }

    @Test("Handed over at all: any of the four hand-over intents, as the hand-over policy escalates on any")
    func anyHandOver() {
        let classifier = IntentClassifierTests.classifier
        var score = IntentScore()
        for example in Self.heldOut.examples {
            score.add(
                actual: example.intents.contains { $0.signal != nil },
                predicted: classifier.intents(in: example.text).contains { $0.signal != nil })
        }
        print("held-out any hand-over intent: \(score)")
        // Measured: 0.950 (249/262) / 0.961 (249/259) (0.949 / 0.931 with the first batch alone).
        #expect(score.precision >= 0.94)
        #expect(score.recall >= 0.95)
    }
}
