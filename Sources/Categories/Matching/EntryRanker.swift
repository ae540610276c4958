import Foundation

/// One trained index over (phrasing, entry) pairs: it ranks entries for a question by a fused score
/// `F = log P_softmax(entry) + 4·cos(q, category centroid) + 2·cos(q, entry centroid)` and reports
/// the features that calibrated confidence is computed from.
struct EntryRanker: Sendable {
    static let categoryWeight = 4.0
    static let entryWeight = 2.0
    /// Beyond this training cost (phrasings × entries: every Adam step touches each phrasing for each
    /// entry) the softmax term is left out, which keeps a build, calibration included, to seconds for
    /// larger knowledge bases; calibration measures whichever ranker runs. The seed costs ~14,000.
    static let maxSoftmaxCost = 60_000

    /// How one question scores.
    struct Scored: Sendable {
        /// Entry indices, best first (ties keep knowledge-base order).
        var order: [Int]
        /// The fused score of every entry (−∞ for entries not in this index).
        var fused: [Double]
        var features: ConfidenceFeatures
    }

    let space: TFIDFSpace
    let softmax: SoftmaxRegression?
    let entryCategory: [Int]
    let entryCentroids: [SparseVector]
    let categoryCentroids: [SparseVector]
    /// Entries with at least one phrasing in this index.
    let present: [Bool]

    /// - Parameters:
    ///   - phrasings: the texts with their entry index.
    ///   - entryCategory: the category index of every entry (all entries, also those without phrasings here).
    init(phrasings: [(text: String, entry: Int)], entryCategory: [Int], categoryCount: Int, synonyms: SynonymMap) {
        let space = TFIDFSpace(phrasings: phrasings.map(\.text), synonyms: synonyms)
        let rows = phrasings.map { space.vector($0.text) }
        let labels = phrasings.map(\.entry)
        let entryCount = entryCategory.count
        self.space = space
        self.entryCategory = entryCategory
        if phrasings.count * entryCount <= Self.maxSoftmaxCost {
            softmax = SoftmaxRegression(rows: rows, labels: labels, featureCount: space.featureCount, classCount: entryCount)
        } else {
            softmax = nil
        }
        var byEntry = [[SparseVector]](repeating: [], count: entryCount)
        var byCategory = [[SparseVector]](repeating: [], count: categoryCount)
        for (row, label) in zip(rows, labels) {
            byEntry[label].append(row)
            byCategory[entryCategory[label]].append(row)
        }
        entryCentroids = byEntry.map(SparseVector.normalizedSum)
        categoryCentroids = byCategory.map(SparseVector.normalizedSum)
        present = byEntry.map { !$0.isEmpty }
    }

    func score(_ text: String) -> Scored {
        let analysis = space.analyze(text)
        let q = space.vector(analysis)
        let entryCount = entryCategory.count
        let logP = softmax?.logProbabilities(q) ?? [Double](repeating: 0, count: entryCount)
        let categorySimilarity = categoryCentroids.map { q.dot($0) }
        let entrySimilarity = entryCentroids.map { q.dot($0) }
        var fused = [Double](repeating: -Double.infinity, count: entryCount)
        for entry in 0..<entryCount where present[entry] {
            fused[entry] =
                logP[entry] + Self.categoryWeight * categorySimilarity[entryCategory[entry]]
                + Self.entryWeight * entrySimilarity[entry]
        }
        let order = (0..<entryCount).filter { present[$0] }.sorted { fused[$0] != fused[$1] ? fused[$0] > fused[$1] : $0 < $1 }
        let first = order.first
        let second = order.dropFirst().first
        let features = ConfidenceFeatures(
            topScore: first.map { fused[$0] } ?? -.infinity,
            margin: first.map { top in fused[top] - (second.map { fused[$0] } ?? fused[top] - 10) } ?? 0,
            entrySimilarity: first.map { entrySimilarity[$0] } ?? 0,
            categorySimilarity: first.map { categorySimilarity[entryCategory[$0]] } ?? 0,
            bestCategorySimilarity: categorySimilarity.max() ?? 0,
            coverage: space.coverage(analysis),
            // As typed: a synonym's length must not decide whether a question is long enough to answer.
            tokenCount: MatchFeatures.tokens(text).count,
            isKnownTerm: space.knowsAllFeatures(analysis))
        return Scored(order: order, fused: fused, features: features)
    }
}

/// What calibrated confidence is computed from.
struct ConfidenceFeatures: Sendable, Equatable {
    /// F of the best entry.
    var topScore: Double
    /// F of the best entry minus F of the runner-up.
    var margin: Double
    /// cos(q, best entry's centroid).
    var entrySimilarity: Double
    /// cos(q, best entry's category centroid).
    var categorySimilarity: Double
    /// The best cos(q, category centroid) over all categories: how much the question reads like shop talk.
    var bestCategorySimilarity: Double
    /// Share of the question's distinct tokens the knowledge base knows.
    var coverage: Double
    var tokenCount: Int
    /// Every character and bigram of the question occurs in the knowledge base.
    var isKnownTerm: Bool

    /// The inputs of the confidence model, in its order.
    var modelInputs: [Double] { [margin, topScore, entrySimilarity, categorySimilarity, coverage] }
}
