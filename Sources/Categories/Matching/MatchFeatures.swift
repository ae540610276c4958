import Foundation

/// The tokens and n-gram features questions are matched on.
///
/// After NFKC and lower-casing, a Han character is a token, a run of Latin letters is a token, and a
/// run of digits (with any `.` inside) is the class token `#` ("9.9", "400", "12" all read `#`, since
/// amounts and order numbers say nothing about what is asked). Everything else ends a run and is
/// dropped. Features are unigrams and adjacent bigrams, counted.
enum MatchFeatures {
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var run = String.UnicodeScalarView()
        var runIsDigits = false
        func flush() {
            if !run.isEmpty { tokens.append(runIsDigits ? "#" : String(run)) }
            run = String.UnicodeScalarView()
        }
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            let value = scalar.value
            if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value) {
                flush()
                tokens.append(String(scalar))
            } else if (0x61...0x7A).contains(value) {
                // a-z
                if runIsDigits || run.isEmpty { flush() }
                runIsDigits = false
                run.append(scalar)
            } else if (0x30...0x39).contains(value) || (value == 0x2E && runIsDigits && !run.isEmpty) {
                // 0-9, or a . inside a number
                if !runIsDigits { flush() }
                runIsDigits = true
                run.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Unigram (`1` + token) and adjacent-bigram (`2` + token + U+0001 + token) counts.
    static func counts(_ text: String) -> [String: Int] {
        let tokens = tokens(text)
        var counts: [String: Int] = [:]
        for (index, token) in tokens.enumerated() {
            counts["1" + token, default: 0] += 1
            if index + 1 < tokens.count {
                counts["2" + token + "\u{1}" + tokens[index + 1], default: 0] += 1
            }
        }
        return counts
    }
}

/// A sparse vector: feature indices, ascending, with their values.
struct SparseVector: Sendable {
    var indices: [Int32] = []
    var values: [Double] = []

    var isEmpty: Bool { indices.isEmpty }

    /// The dot product with another sparse vector.
    func dot(_ other: SparseVector) -> Double {
        var i = 0
        var j = 0
        var sum = 0.0
        while i < indices.count, j < other.indices.count {
            if indices[i] == other.indices[j] {
                sum += values[i] * other.values[j]
                i += 1
                j += 1
            } else if indices[i] < other.indices[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// The sum of several vectors, scaled to unit length (a centroid direction).
    static func normalizedSum(_ vectors: [SparseVector]) -> SparseVector {
        var sums: [Int32: Double] = [:]
        for vector in vectors {
            for (index, value) in zip(vector.indices, vector.values) { sums[index, default: 0] += value }
        }
        let norm = sums.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let sorted = sums.keys.sorted()
        return SparseVector(indices: sorted, values: sorted.map { norm > 1e-12 ? sums[$0]! / norm : 0 })
    }
}

/// The TF-IDF feature space of a set of phrasings: vocabulary and inverse document frequencies
/// (bigrams weigh 0.7 of a unigram), with sublinear term frequency and unit-length vectors.
struct TFIDFSpace: Sendable {
    static let unigramWeight = 1.0
    static let bigramWeight = 0.7

    let vocabulary: [String: Int32]
    let idf: [Double]
    let synonyms: SynonymMap

    init(phrasings: [String], synonyms: SynonymMap) {
        self.synonyms = synonyms
        var vocabulary: [String: Int32] = [:]
        var documentFrequency: [Int] = []
        for phrasing in phrasings {
            for feature in MatchFeatures.counts(synonyms.apply(phrasing)).keys {
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
    }

    var featureCount: Int { idf.count }

    /// A text's features after synonyms, worked out once and read by the measures below.
    struct Analysis {
        var counts: [String: Int]
    }

    func analyze(_ text: String) -> Analysis {
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
