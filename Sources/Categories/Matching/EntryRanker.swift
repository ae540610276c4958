import Foundation

/// One trained index over (phrasing, entry) pairs: it ranks entries for a question by a fused score
/// `F = log P_softmax(entry) + 4·cos(q, category centroid) + 2·cos(q, entry centroid)` over character
/// n-gram TF-IDF, plus, with a sentence model, `wₑ·cos(v, entry's vector centroid) + w꜀·cos(v, category's)`
/// over the question's sentence vector `v`, and reports the features that calibrated confidence is
/// computed from.
///
/// Small knowledge bases get the softmax term and are scored densely. Larger ones (beyond
/// `maxSoftmaxCost`) are scored from the centroids alone, through inverted indexes: without a sentence
/// model, an entry the question shares no feature with scores its category term only, so only the
/// touched entries and the first few of each category need looking at to find the best five exactly;
/// with one, every entry is scored (its vector term can be high without a shared character).
struct EntryRanker: Sendable {
    static let categoryWeight = 4.0
    static let entryWeight = 2.0
    /// The sentence vectors' weights, chosen on the benchmark's dev split (README, "Sentence model"). The
    /// vectors' closeness enters the ranking only: as a confidence input too it made statements that read
    /// like an entry's intent (我的货已经收到了) confident answers.
    static let denseEntryWeight = 2.0
    static let denseCategoryWeight = 1.0
    /// Beyond this training cost (phrasings × entries: every Adam step touches each phrasing for each
    /// entry) the softmax term is left out, which keeps a build, calibration included, to seconds for
    /// larger knowledge bases; calibration measures whichever ranker runs. The seed costs ~14,000.
    static let maxSoftmaxCost = 60_000
    /// How many of the best entries a score reports.
    static let reportedCount = 5

    /// An entry with its fused score.
    struct Ranked: Sendable, Equatable {
        var entry: Int
        var fused: Double
        var entrySimilarity: Double

        /// Best first; ties keep knowledge-base order.
        func precedes(_ other: Ranked) -> Bool {
            fused != other.fused ? fused > other.fused : entry < other.entry
        }
    }

    /// How one question scores.
    struct Scored: Sendable {
        /// The best `reportedCount` entries, best first (ties keep knowledge-base order).
        var top: [Ranked]
        var features: ConfidenceFeatures
    }

    /// What to take out of the index while scoring, so that the knowledge base can be tested on its
    /// own phrasings without retraining.
    enum HeldOut: Sendable {
        /// The question is one of this entry's phrasings: score it as if that phrasing were not indexed.
        case phrasing(ofEntry: Int)
        /// Score as if this entry were not in the knowledge base (an unseen question).
        case entry(Int)

        /// The entry the held-out part belongs to.
        var entry: Int {
            switch self {
            case .phrasing(let entry), .entry(let entry): entry
            }
        }

        /// The entry whose phrasing is held out (the question itself is that phrasing).
        var phrasingOwner: Int? { if case .phrasing(let entry) = self { entry } else { nil } }

        /// The entry taken out of the knowledge base.
        var removedEntry: Int? { if case .entry(let entry) = self { entry } else { nil } }
    }

    static func trainsSoftmax(phrasings: Int, entries: Int) -> Bool { phrasings * entries <= maxSoftmaxCost }

    // Variables for `setEntry` (EntryRanker+editing.swift), which patches a centroid ranker in place.
    var space: TFIDFSpace
    let softmax: SoftmaxRegression?
    var entryCategory: [Int]
    var entryIndex: CentroidIndex
    var categoryIndex: CentroidIndex
    /// Entries with at least one phrasing here, by category, ascending.
    var presentByCategory: [[Int]]
    var present: [Bool]
    /// The phrasings' sentence vectors summed by entry and by category; nil without a sentence model.
    var denseEntries: DenseCentroids?
    var denseCategories: DenseCentroids?

    /// - Parameters:
    ///   - phrasings: analysed texts (`TFIDFSpace.analyze`) with their entry index and, with a sentence
    ///     model, their sentence vector (all or none).
    ///   - entryCategory: the category index of every entry (all entries, also those without phrasings here).
    init(
        phrasings: [(analysis: TFIDFSpace.Analysis, entry: Int, vector: [Float]?)], entryCategory: [Int],
        categoryCount: Int, synonyms: SynonymMap, vectorDimension: Int? = nil
    ) {
        let space = TFIDFSpace(phrasings: phrasings.map(\.analysis), synonyms: synonyms)
        let rows = phrasings.map { space.vector($0.analysis) }
        let labels = phrasings.map(\.entry)
        let entryCount = entryCategory.count
        self.space = space
        self.entryCategory = entryCategory
        if Self.trainsSoftmax(phrasings: phrasings.count, entries: entryCount) {
            softmax = SoftmaxRegression(rows: rows, labels: labels, featureCount: space.featureCount, classCount: entryCount)
        } else {
            softmax = nil
        }
        entryIndex = CentroidIndex(rows: rows, groups: labels, groupCount: entryCount, featureCount: space.featureCount)
        categoryIndex = CentroidIndex(
            rows: rows, groups: labels.map { entryCategory[$0] }, groupCount: categoryCount, featureCount: space.featureCount)
        var present = [Bool](repeating: false, count: entryCount)
        for label in labels { present[label] = true }
        var presentByCategory = [[Int]](repeating: [], count: categoryCount)
        for entry in 0..<entryCount where present[entry] { presentByCategory[entryCategory[entry]].append(entry) }
        self.present = present
        self.presentByCategory = presentByCategory
        if let vectorDimension {
            let vectors = phrasings.map { $0.vector! }
            denseEntries = DenseCentroids(rows: vectors, groups: labels, groupCount: entryCount, dimension: vectorDimension)
            denseCategories = DenseCentroids(
                rows: vectors, groups: labels.map { entryCategory[$0] }, groupCount: categoryCount,
                dimension: vectorDimension)
        }
    }

    /// - Parameters:
    ///   - vector: the question's sentence vector, when the ranker has a sentence model.
    ///   - heldOut: what to leave out of the index (calibration).
    func score(_ text: String, vector: [Float]? = nil, holdingOut heldOut: HeldOut? = nil) -> Scored {
        let analysis = space.analyze(text)
        let q = space.vector(analysis)

        let categoryDots = categoryIndex.dots(q)
        var touched: [Int] = []
        let entryDots = entryIndex.dots(q, touched: &touched)

        // What the held-out part removes from its entry and its category: the question itself (one of the
        // entry's phrasings), or the whole entry.
        let owner = heldOut?.phrasingOwner
        let excluded = heldOut?.removedEntry
        let heldOutPart = owner != nil ? q : excluded.map { entryIndex.sums[$0] } ?? SparseVector()
        let categorySimilarity = (0..<categoryIndex.groupCount).map { category in
            if let heldOutEntry = heldOut?.entry, entryCategory[heldOutEntry] == category {
                // Exact dots here (the postings hold single precision): a held-out part that was the
                // only overlap must leave exactly 0, or ties with untouched entries would move.
                return categoryIndex.cosine(
                    dot: categoryIndex.sums[category].dot(searching: q), group: category, without: heldOutPart,
                    questionDotPart: q.dot(heldOutPart))
            }
            return categoryIndex.cosine(dot: categoryDots[category], group: category)
        }
        func entrySimilarity(_ entry: Int) -> Double {
            if entry == owner {
                return entryIndex.cosine(
                    dot: entryIndex.sums[entry].dot(searching: q), group: entry, without: q, questionDotPart: q.squaredNorm)
            }
            return entryIndex.cosine(dot: entryDots[entry], group: entry)
        }
        let dense = denseScores(vector, heldOut: heldOut)
        func ranked(_ entry: Int, logP: Double = 0) -> Ranked {
            let similarity = entrySimilarity(entry)
            var fused = logP + Self.categoryWeight * categorySimilarity[entryCategory[entry]] + Self.entryWeight * similarity
            if let dense {
                fused +=
                    Self.denseEntryWeight * dense.entry(entry) + Self.denseCategoryWeight * dense.categories[entryCategory[entry]]
            }
            return Ranked(entry: entry, fused: fused, entrySimilarity: similarity)
        }

        var best = BestRanked(capacity: Self.reportedCount)
        if softmax != nil || dense != nil {
            let logP = softmax?.logProbabilities(q) ?? [Double](repeating: 0, count: entryCategory.count)
            for entry in 0..<entryCategory.count where present[entry] && entry != excluded {
                let item = ranked(entry, logP: logP[entry])
                best.offer(item)
            }
        } else {
            // The hot loop for a common word (thousands of touched entries): inlined, no bounds checks.
            var touchedByCategory = [Int](repeating: 0, count: categoryIndex.groupCount)
            let categoryTerm = categorySimilarity.map { Self.categoryWeight * $0 }
            entryDots.withUnsafeBufferPointer { dots in
                entryIndex.inverseNorms.withUnsafeBufferPointer { inverseNorms in
                    entryCategory.withUnsafeBufferPointer { entryCategory in
                        for entry in touched where entry != excluded {
                            let group = entryCategory[entry]
                            touchedByCategory[group] += 1
                            let similarity = entry == owner ? entrySimilarity(entry) : dots[entry] * inverseNorms[entry]
                            let fused = categoryTerm[group] + Self.entryWeight * similarity
                            if fused >= best.floor {
                                best.offer(Ranked(entry: entry, fused: fused, entrySimilarity: similarity))
                            }
                        }
                    }
                }
            }
            // The rest score their category term alone: only the first few of each category can make
            // the top (ties keep knowledge-base order).
            for (index, entries) in presentByCategory.enumerated() {
                let excludedHere = excluded.map { present[$0] && entryCategory[$0] == index && entryDots[$0] == 0 } ?? false
                let untouched = entries.count - touchedByCategory[index] - (excludedHere ? 1 : 0)
                var offered = 0
                let wanted = min(Self.reportedCount, untouched)
                for entry in entries {
                    if offered == wanted { break }
                    guard entry != excluded, entryDots[entry] == 0 else { continue }
                    best.offer(ranked(entry))
                    offered += 1
                }
            }
        }
        let top = best.items
        let first = top.first
        let features = ConfidenceFeatures(
            topScore: first?.fused ?? -.infinity,
            margin: first.map { $0.fused - (top.count > 1 ? top[1].fused : $0.fused - 10) } ?? 0,
            entrySimilarity: first?.entrySimilarity ?? 0,
            categorySimilarity: first.map { categorySimilarity[entryCategory[$0.entry]] } ?? 0,
            bestCategorySimilarity: categorySimilarity.max() ?? 0,
            coverage: space.coverage(analysis),
            // As typed: a synonym's length must not decide whether a question is long enough to answer.
            tokenCount: MatchFeatures.tokens(text).count,
            isKnownTerm: space.knowsAllFeatures(analysis))
        return Scored(top: top, features: features)
    }

    /// The sentence-vector cosines of one question: with every category's centroid, and with any entry's.
    struct DenseScores {
        var categories: [Double]
        var entry: (Int) -> Double
    }

    /// Nil without a sentence model (or without the question's vector).
    private func denseScores(_ vector: [Float]?, heldOut: HeldOut?) -> DenseScores? {
        guard let vector, let denseEntries, let denseCategories else { return nil }
        let entryDots = denseEntries.dots(vector)
        let categoryDots = denseCategories.dots(vector)
        // What the held-out part removes: the phrasing's own vector (the question), or the whole entry's sum.
        let owner = heldOut?.phrasingOwner
        let heldOutPart = owner != nil ? vector : heldOut?.removedEntry.map { denseEntries.sum($0) } ?? []
        let categories = (0..<denseCategories.groupCount).map { category in
            if let heldOutEntry = heldOut?.entry, entryCategory[heldOutEntry] == category {
                return denseCategories.cosine(vector, group: category, without: heldOutPart)
            }
            return denseCategories.cosine(dot: categoryDots[category], group: category)
        }
        return DenseScores(categories: categories) { entry in
            entry == owner
                ? denseEntries.cosine(vector, group: entry, without: vector)
                : denseEntries.cosine(dot: entryDots[entry], group: entry)
        }
    }
}

extension EntryRanker {
    /// The entries of `category` that share words with `text`, closest centroid first (ties keep
    /// knowledge-base order): what to offer once the associate has said which category they mean.
    func closest(to text: String, inCategory category: Int, limit: Int) -> [Int] {
        let q = space.vector(text)
        var touched: [Int] = []
        let dots = entryIndex.dots(q, touched: &touched)
        let ranked: [Ranked] = touched.filter { entryCategory[$0] == category }.map { entry in
            let similarity = entryIndex.cosine(dot: dots[entry], group: entry)
            return Ranked(entry: entry, fused: similarity, entrySimilarity: similarity)
        }
        return ranked.sorted { $0.precedes($1) }.prefix(limit).map(\.entry)
    }
}

/// The best few of a stream of ranked entries, kept in order.
private struct BestRanked {
    let capacity: Int
    private(set) var items: [EntryRanker.Ranked] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity + 1)
    }

    /// The score an entry must reach to have a chance of a place (ties are settled by `offer`).
    private(set) var floor = -Double.infinity

    mutating func offer(_ item: EntryRanker.Ranked) {
        if items.count == capacity, let last = items.last, !item.precedes(last) { return }
        let position = items.firstIndex { item.precedes($0) } ?? items.count
        items.insert(item, at: position)
        if items.count > capacity { items.removeLast() }
        if items.count == capacity { floor = items[capacity - 1].fused }
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
