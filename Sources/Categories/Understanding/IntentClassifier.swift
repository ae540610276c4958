import Foundation

/// Reads the hand-over intents of a store associate's message (a request for a person, a complaint,
/// urgency, a regional matter) and whether it is small talk or off-topic, learnt from a labelled corpus
/// rather than listed.
///
/// One-vs-rest logistic regression over character 1–3-gram TF-IDF of the normalised text plus the
/// message's shape (`IntentFeatures`), and, with a sentence model, the message's sentence vector (which
/// reads a request for a person or an outage put in words the corpus does not have). Each intent's threshold comes from a cross-validation on the
/// corpus itself, at the precision `IntentPolicy` asks of it, so the thresholds follow the corpus when it
/// changes. Training is deterministic: the same corpus and policy give the same classifier.
public struct IntentClassifier: Sendable {
    /// Identifies the corpus, the policy and the method: equal fingerprints, equal classifiers.
    public let fingerprint: String
    public let policy: IntentPolicy
    /// P(intent) at or above which the intent is said.
    public let thresholds: [Intent: Double]
    /// Each intent's precision and recall on the corpus, every message scored by a model trained
    /// without its fold, at the threshold chosen.
    public let crossValidation: [Intent: IntentScore]
    /// How many labelled messages it learnt from.
    public let exampleCount: Int
    private let model: Model
    /// The sentence model whose vectors are features; nil: n-grams and shape only.
    public let embedder: SentenceEmbedder?

    /// Bumped whenever features or training change, so that fingerprints of older classifiers differ.
    static let method = "char123-shape-ovr-adagrad-1"
    /// Messages above the threshold needed before a threshold's precision counts.
    static let minimumItems = 20

    /// Trains on `corpus` and chooses the thresholds by cross-validation on it.
    /// - Parameters:
    ///   - embedder: a sentence model whose vectors are features beside the n-grams (the corpus's vectors
    ///     are computed here: seconds).
    ///   - workers: who runs the folds (independent trainings); by default one after another.
    public init(
        corpus: IntentCorpus, policy: IntentPolicy = IntentPolicy(), embedder: SentenceEmbedder? = nil,
        workers: any ParallelWorkers = SerialWorkers()
    ) {
        let vectors = embedder?.embedKnowledge(corpus.examples.map { Self.embeddedText($0.text) }, workers: workers)
        let examples = corpus.examples.enumerated().map { index, example in
            Observed(example.text, intents: example.intents, vector: vectors?[index])
        }
        let folds = max(2, policy.folds)
        // Folds by a seeded shuffle, so that the corpus's own order (batches by author) does not make them.
        var order = Array(examples.indices)
        var generator = SplitMix64(seed: 11)
        generator.shuffle(&order)
        var foldOf = [Int](repeating: 0, count: examples.count)
        for (position, index) in order.enumerated() { foldOf[index] = position % folds }
        let fold = foldOf

        let results = ParallelResults<(model: Model?, heldOut: [(index: Int, probabilities: [Double])])>(count: folds + 1)
        workers.forEach(folds + 1) { part in
            if part == folds {
                results.set(part, (Model(examples), []))
                return
            }
            let model = Model(examples.indices.filter { fold[$0] != part }.map { examples[$0] })
            let heldOut = examples.indices.filter { fold[$0] == part }.map { index in
                (index, model.probabilities(examples[index]))
            }
            results.set(part, (nil, heldOut))
        }
        let parts = results.values
        var heldOut = [[Double]](repeating: [], count: examples.count)
        for part in parts { for (index, probabilities) in part.heldOut { heldOut[index] = probabilities } }

        var thresholds: [Intent: Double] = [:]
        var crossValidation: [Intent: IntentScore] = [:]
        for (output, intent) in Intent.allCases.enumerated() {
            let probabilities = heldOut.map { $0.isEmpty ? 0 : $0[output] }
            let actual = examples.map { $0.intents.contains(intent) }
            let threshold = Thresholds.answer(
                probabilities: probabilities, correct: actual, precision: policy.precision(for: intent),
                minimumItems: Self.minimumItems)
            thresholds[intent] = threshold
            var score = IntentScore()
            for (probability, isActual) in zip(probabilities, actual) {
                score.add(actual: isActual, predicted: probability >= threshold)
            }
            crossValidation[intent] = score
        }
        self.model = parts[folds].model!
        self.policy = policy
        self.thresholds = thresholds
        self.crossValidation = crossValidation
        self.exampleCount = examples.count
        self.embedder = embedder
        self.fingerprint = Self.fingerprint(of: corpus, policy: policy, sentenceModel: embedder?.modelName)
    }

    /// What the sentence model reads of a message: its own text, folded to simplified (the model reads
    /// punctuation and emoji itself).
    public static func embeddedText(_ text: String) -> String { ChineseScript.fold(text) }

    /// P(intent | text) for every intent.
    /// - Parameter vector: the sentence vector of `embeddedText(text)`, when the caller has it already;
    ///   otherwise the classifier's sentence model (if any) makes it.
    public func probabilities(_ text: String, vector: [Float]? = nil) -> [Intent: Double] {
        let vector = embedder.map { vector ?? $0.embed(Self.embeddedText(text)) }
        let probabilities = model.probabilities(Observed(text, intents: [], vector: vector))
        return Dictionary(uniqueKeysWithValues: zip(Intent.allCases, probabilities))
    }

    /// Whether the classifier can say `intent` at all: its corpus had examples of it and a threshold
    /// below certainty met the precision asked.
    public func reads(_ intent: Intent) -> Bool { (thresholds[intent] ?? 1) < 1 }

    /// The intents `text` carries: those at or above their thresholds.
    public func intents(in text: String, vector: [Float]? = nil) -> Set<Intent> {
        Set(probabilities(text, vector: vector).filter { $0.value >= (thresholds[$0.key] ?? 1) }.keys)
    }

    /// Precision and recall of each intent on labelled messages (a held-out set).
    public func evaluate(on corpus: IntentCorpus) -> [Intent: IntentScore] {
        var scores = Dictionary(uniqueKeysWithValues: Intent.allCases.map { ($0, IntentScore()) })
        for example in corpus.examples {
            let said = intents(in: example.text)
            for intent in Intent.allCases {
                scores[intent]!.add(actual: example.intents.contains(intent), predicted: said.contains(intent))
            }
        }
        return scores
    }

    /// FNV-1a over the method, the policy and every example, in order.
    public static func fingerprint(of corpus: IntentCorpus, policy: IntentPolicy, sentenceModel: String?) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0100_0000_01B3
            }
            hash ^= 0xFF
            hash = hash &* 0x0100_0000_01B3
        }
        mix(method)
        mix(sentenceModel ?? "no sentence model")
        mix("\(policy.folds)")
        for intent in Intent.allCases { mix("\(intent.rawValue)=\(policy.precision(for: intent))") }
        for example in corpus.examples {
            mix(example.text)
            mix(example.intents.map(\.rawValue).sorted().joined(separator: ","))
        }
        return String(hash, radix: 16)
    }
}

extension IntentClassifier: Hashable {
    public static func == (lhs: IntentClassifier, rhs: IntentClassifier) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

extension IntentClassifier {
    /// A message's features, worked out once.
    struct Observed: Sendable {
        var grams: [String: Int]
        var shape: Set<String>
        var intents: Set<Intent>
        var vector: [Float]?

        init(_ text: String, intents: Set<Intent>, vector: [Float]? = nil) {
            (grams, shape) = IntentFeatures.of(text)
            self.intents = intents
            self.vector = vector
        }
    }

    /// The feature space and the regression trained in it.
    struct Model: Sendable {
        /// A shape feature's value beside the unit-length n-gram vector.
        static let shapeWeight = 0.3
        /// The unit-length sentence vector's scale beside the unit-length n-gram vector (chosen by the
        /// cross-validation on the corpus, never on the held-out set).
        static let vectorWeight = 4.0

        /// The n-grams' vocabulary and IDF.
        let space: TFIDFSpace
        /// Each n-gram's place in the regression, by its index in `space`: the n-grams in sorted order, so
        /// that sums run in the same order in every process (the space numbers them in a dictionary's
        /// order, which changes from run to run).
        let places: [Int32]
        /// Shape features, numbered after the n-grams.
        let shapes: [String: Int32]
        let regression: IntentRegression

        init(_ examples: [Observed]) {
            let space = TFIDFSpace(
                phrasings: examples.map { TFIDFSpace.Analysis(counts: $0.grams) }, synonyms: SynonymMap([]))
            var places = [Int32](repeating: 0, count: space.featureCount)
            for (place, entry) in space.vocabulary.sorted(by: { $0.key < $1.key }).enumerated() {
                places[Int(entry.value)] = Int32(place)
            }
            var shapes: [String: Int32] = [:]
            for name in examples.flatMap(\.shape).sorted() where shapes[name] == nil {
                shapes[name] = Int32(space.featureCount + shapes.count)
            }
            self.space = space
            self.places = places
            self.shapes = shapes
            let rows = examples.map { Self.vector($0, space: space, places: places, shapes: shapes) }
            regression = IntentRegression(
                rows: rows, targets: examples.map { example in Intent.allCases.map(example.intents.contains) },
                featureCount: space.featureCount + shapes.count + (examples.first?.vector?.count ?? 0),
                outputCount: Intent.allCases.count)
        }

        func probabilities(_ observed: Observed) -> [Double] {
            regression.probabilities(Self.vector(observed, space: space, places: places, shapes: shapes))
        }

        /// The unit-length TF-IDF vector of the n-grams (sublinear counts), then the shape features.
        private static func vector(_ observed: Observed, space: TFIDFSpace, places: [Int32], shapes: [String: Int32])
            -> SparseVector
        {
            let grams = observed.grams.compactMap { gram, count -> (Int32, Double)? in
                guard let index = space.vocabulary[gram] else { return nil }
                return (places[Int(index)], (1 + log(Double(count))) * space.idf[Int(index)])
            }.sorted { $0.0 < $1.0 }
            let norm = grams.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            var vector = SparseVector(indices: grams.map(\.0), values: grams.map { norm > 0 ? $0.1 / norm : 0 })
            // Shape features are numbered after every n-gram, so appending keeps the indices ascending.
            for index in observed.shape.compactMap({ shapes[$0] }).sorted() {
                vector.indices.append(index)
                vector.values.append(shapeWeight)
            }
            // And the sentence vector's values, numbered after the shapes.
            if let sentence = observed.vector {
                let first = Int32(space.featureCount + shapes.count)
                for (offset, value) in sentence.enumerated() {
                    vector.indices.append(first + Int32(offset))
                    vector.values.append(vectorWeight * Double(value))
                }
            }
            return vector
        }
    }
}
