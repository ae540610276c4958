import Foundation

/// The TF-IDF feature space of a set of phrasings: vocabulary and inverse document frequencies
/// (bigrams weigh 0.7 of a unigram), with sublinear term frequency and unit-length vectors.
struct TFIDFSpace: Sendable {
    static let unigramWeight = 1.0
    static let bigramWeight = 0.7

    private(set) var vocabulary: [String: Int32]
    private(set) var idf: [Double]
    let synonyms: SynonymMap
    /// How many phrasings the IDF was computed over.
    let documentCount: Int

    /// The space of `phrasings`, each analysed with `analyze(_:synonyms:)` under the same synonyms.
    init(phrasings: [Analysis], synonyms: SynonymMap) {
        self.synonyms = synonyms
        var vocabulary: [String: Int32] = [:]
        var documentFrequency: [Int] = []
        for phrasing in phrasings {
            for feature in phrasing.counts.keys {
                if let index = vocabulary[feature] {
                    documentFrequency[Int(index)] += 1
                } else {
                    vocabulary[feature] = Int32(documentFrequency.count)
                    documentFrequency.append(1)
                }
            }
        }
        let count = Double(phrasings.count)
        var idf = [Double](repeating: 0, count: documentFrequency.count)
        for (feature, index) in vocabulary {
            let weight = feature.hasPrefix("1") ? Self.unigramWeight : Self.bigramWeight
            idf[Int(index)] = weight * (log((1 + count) / (1 + Double(documentFrequency[Int(index)]))) + 1)
        }
        self.vocabulary = vocabulary
        self.idf = idf
        self.documentCount = phrasings.count
    }

    /// Adds the features of `phrasing` the space has never seen, each weighted as a feature of one
    /// phrasing in the space, and leaves every other weight as it is: an edited entry's new words count
    /// at once, and the next full build recomputes every weight.
    mutating func extend(with phrasing: Analysis) {
        for feature in phrasing.counts.keys where vocabulary[feature] == nil {
            vocabulary[feature] = Int32(idf.count)
            let weight = feature.hasPrefix("1") ? Self.unigramWeight : Self.bigramWeight
            idf.append(weight * (log((1 + Double(documentCount)) / 2) + 1))
        }
    }

    var featureCount: Int { idf.count }

    /// A text's features after synonyms, worked out once and read by the measures below.
    struct Analysis: Sendable {
        var counts: [String: Int]
    }

    func analyze(_ text: String) -> Analysis { Self.analyze(text, synonyms: synonyms) }

    static func analyze(_ text: String, synonyms: SynonymMap) -> Analysis {
        Analysis(counts: MatchFeatures.counts(synonyms.apply(text)))
    }

    /// The unit-length TF-IDF vector of `text`; features the phrasings never had are ignored.
    func vector(_ text: String) -> SparseVector { vector(analyze(text)) }

    func vector(_ analysis: Analysis) -> SparseVector {
        var entries: [(Int32, Double)] = []
        for (feature, count) in analysis.counts {
            guard let index = vocabulary[feature] else { continue }
            entries.append((index, (1 + log(Double(count))) * idf[Int(index)]))
        }
        entries.sort { $0.0 < $1.0 }
        let norm = entries.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
        return SparseVector(indices: entries.map(\.0), values: entries.map { norm > 0 ? $0.1 / norm : 0 })
    }

    /// Whether every unigram and bigram of the text occurs in the phrasings: the text is a term of the
    /// knowledge base (报修, 调拨单), not something it has never seen.
    func knowsAllFeatures(_ analysis: Analysis) -> Bool {
        !analysis.counts.isEmpty && analysis.counts.keys.allSatisfy { vocabulary[$0] != nil }
    }

    /// The share of the text's distinct tokens (its unigram features) that the phrasings contain.
    func coverage(_ analysis: Analysis) -> Double {
        let unigrams = analysis.counts.keys.filter { $0.hasPrefix("1") }
        guard !unigrams.isEmpty else { return 0 }
        return Double(unigrams.filter { vocabulary[$0] != nil }.count) / Double(unigrams.count)
    }
}
