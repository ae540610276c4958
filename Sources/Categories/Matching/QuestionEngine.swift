import Foundation

/// Understands store questions against a knowledge base: ranks its entries, classifies the
/// category, computes a confidence calibrated on the knowledge base itself, and decides.
///
/// Building one trains the ranker and calibrates it: the entries' similar phrasings are held out one
/// slot at a time (positives), and groups of entries are removed so that their phrasings play
/// questions the knowledge base cannot answer (negatives). A confidence model and the thresholds of
/// `MatchingPolicy` come from those items, so they follow the knowledge base as it changes.
/// Hand-over signals and small talk are read from the wording first. See docs/research for the method.
public struct QuestionEngine: Sendable {
    // Variables for `init(patching:to:)` (QuestionEngine+patching.swift).
    public internal(set) var knowledgeBase: KnowledgeBase
    public let policy: MatchingPolicy
    public internal(set) var calibration: Calibration
    /// By the ranker's entry index (patched engines keep removed entries' places, absent from the ranker).
    var entries: [KnowledgeEntry]
    let categoryIDs: [CategoryID]
    var entryCategory: [Int]
    var ranker: EntryRanker
    private let confidence: ConfidenceModel
    private let answerThresholds: [Int: Double]
    private let signals: SignalDetector
    private let lexicon: SignalLexicon
    /// The learnt hand-over intents, beside the lexicon (nil: the lexicon alone).
    public let intents: IntentClassifier?
    /// The sentence model beside the character n-grams (nil: lexical only).
    public let embedder: SentenceEmbedder?

    /// Groups of entries removed together to simulate unseen questions.
    static let negativeGroups = 10
    /// Held-out phrasings scored to calibrate a large knowledge base, each as a positive and as a negative.
    static let maxCalibrationItems = 3_000

    /// `size` indices spread evenly over `0..<count` (all of them when there are fewer).
    static func evenSample(_ count: Int, size: Int) -> [Int] {
        count <= size ? Array(0..<count) : (0..<size).map { $0 * count / size }
    }

    /// Trains and fully calibrates an engine (seconds of work: run it off the request path).
    /// - Parameters:
    ///   - lexicon: the phrases that force signals on or off (with `intents`, the admin's override).
    ///   - intents: the learnt hand-over intents; nil reads signals from the lexicon alone.
    ///   - embedder: a sentence model to rank with beside the character n-grams (its vectors of the
    ///     phrasings are computed here, about 1–2 ms each on one core, remembered for the next build).
    ///   - workers: who runs the training's and calibration's independent pieces (the server passes a
    ///     thread pool of its own; by default they run one after another on the calling thread).
    public init(
        knowledgeBase: KnowledgeBase, policy: MatchingPolicy = MatchingPolicy(), lexicon: SignalLexicon = .standard,
        intents: IntentClassifier? = nil, embedder: SentenceEmbedder? = nil, workers: any ParallelWorkers = SerialWorkers()
    ) {
        self.init(
            knowledgeBase: knowledgeBase, policy: policy, lexicon: lexicon, intents: intents, embedder: embedder,
            reusing: nil, workers: workers)
    }

    /// Trains the ranker on `knowledgeBase` but keeps `calibrated`'s confidence model and thresholds:
    /// the fast way to make an admin's edit answerable at once, until a full calibration replaces it.
    public init(
        knowledgeBase: KnowledgeBase, reusingCalibrationOf calibrated: QuestionEngine,
        workers: any ParallelWorkers = SerialWorkers()
    ) {
        self.init(
            knowledgeBase: knowledgeBase, policy: calibrated.policy, lexicon: calibrated.lexicon,
            intents: calibrated.intents, embedder: calibrated.embedder, reusing: calibrated, workers: workers)
    }

    /// Whether this engine's confidence was calibrated on an earlier version of the knowledge base.
    public var isProvisional: Bool { calibration.provisional }

    private init(
        knowledgeBase: KnowledgeBase, policy: MatchingPolicy, lexicon: SignalLexicon, intents: IntentClassifier?,
        embedder: SentenceEmbedder?, reusing calibrated: QuestionEngine?, workers: any ParallelWorkers
    ) {
        self.knowledgeBase = knowledgeBase
        self.policy = policy
        self.signals = SignalDetector(lexicon: lexicon, intents: intents)
        self.lexicon = lexicon
        self.intents = intents
        self.embedder = embedder
        let categoryIDs = knowledgeBase.categories.map(\.id)
        let entries = knowledgeBase.publishedEntries.filter { categoryIDs.contains($0.category) }
        let entryCategory = entries.map { entry in categoryIDs.firstIndex(of: entry.category)! }
        self.categoryIDs = categoryIDs
        self.entries = entries
        self.entryCategory = entryCategory

        // Every phrasing with its entry and slot (0 = the standard question, which always stays in),
        // analysed once for the live ranker and every calibration ranker. Folded to simplified first, as
        // questions are, so that synonyms apply to a knowledge base written in traditional characters too.
        let synonyms = SynonymMap(knowledgeBase.synonyms)
        let texts: [(text: String, entry: Int, slot: Int)] = entries.enumerated().flatMap { index, entry in
            entry.phrasings.enumerated().map { slot, text in (ChineseScript.fold(text), index, slot) }
        }
        let analyses = ParallelMap.run(texts, on: workers) { TFIDFSpace.analyze($0.text, synonyms: synonyms) }
        let vectors = embedder?.embedKnowledge(texts.map(\.text), workers: workers)
        let vectorDimension = embedder?.model.dimension
        let phrasings = texts.indices.map { index in
            Phrasing(
                text: texts[index].text, analysis: analyses[index], entry: texts[index].entry, slot: texts[index].slot,
                vector: vectors?[index])
        }
        @Sendable func rankerInput(_ selected: [Phrasing]) -> [(analysis: TFIDFSpace.Analysis, entry: Int, vector: [Float]?)] {
            selected.map { ($0.analysis, $0.entry, $0.vector) }
        }
        @Sendable func makeRanker(_ selected: [Phrasing]) -> EntryRanker {
            EntryRanker(
                phrasings: rankerInput(selected), entryCategory: entryCategory, categoryCount: categoryIDs.count,
                synonyms: synonyms, vectorDimension: vectorDimension)
        }
        if let calibrated {
            ranker = makeRanker(phrasings)
            confidence = calibrated.confidence
            var calibration = calibrated.calibration
            calibration.markProvisional(
                changed: Self.changedEntries(from: calibrated.knowledgeBase, to: knowledgeBase),
                total: knowledgeBase.publishedEntries.count)
            // Categories added or removed move the category centroids and the per-category thresholds the
            // confidence speaks for: as stale as a large change of the entries.
            if Set(calibrated.categoryIDs) != Set(categoryIDs) { calibration.isStale = true }
            self.calibration = calibration
            answerThresholds = Dictionary(
                uniqueKeysWithValues: calibration.answerThresholdByCategory.compactMap { id, threshold in
                    categoryIDs.firstIndex(of: CategoryID(rawValue: id)).map { ($0, threshold) }
                })
            return
        }
        // Entries by phrasing (as analysed): a phrasing another entry has word for word is not an
        // unseen question when its own entry is taken out (an accidental duplicate entry would
        // otherwise read as a confident wrong answer and stop the bot answering anything).
        var phrasingsByText: [Int: [Int]] = [:]
        for (index, phrasing) in phrasings.enumerated() {
            phrasingsByText[phrasing.analysis.counts.hashValue, default: []].append(index)
        }
        let sameText = phrasingsByText
        @Sendable func isUnseen(_ phrasing: Phrasing, present: (Int) -> Bool) -> Bool {
            !(sameText[phrasing.analysis.counts.hashValue] ?? []).contains { index in
                let other = phrasings[index]
                return other.entry != phrasing.entry && present(other.entry) && other.analysis.counts == phrasing.analysis.counts
            }
        }
        @Sendable func item(_ scored: EntryRanker.Scored, phrasingOf entry: Int, positive: Bool) -> CalibrationItem {
            let top = scored.top.first?.entry
            return CalibrationItem(
                features: scored.features, correct: positive && top == entry,
                inTop3: positive && scored.top.prefix(3).contains { $0.entry == entry },
                categoryRight: positive && top.map { entryCategory[$0] == entryCategory[entry] } ?? false,
                predictedCategory: top.map { entryCategory[$0] }, positive: positive)
        }

        let collected: [(ranker: EntryRanker?, items: [CalibrationItem])]
        if EntryRanker.trainsSoftmax(phrasings: phrasings.count, entries: entries.count) {
            // A trained ranker has learnt every phrasing: calibrate on rankers retrained without the
            // held-out ones. The live ranker and the calibration rankers are independent: train them in parallel.
            let slotCount = phrasings.map(\.slot).max() ?? 0
            let groups = min(Self.negativeGroups, entries.count)
            let folds = 1 + max(slotCount, 0) + groups
            let results = ParallelResults<(ranker: EntryRanker?, items: [CalibrationItem])>(count: folds)
            workers.forEach(folds) { fold in
                if fold == 0 {
                    results.set(fold, (makeRanker(phrasings), []))
                } else if fold <= slotCount {
                    let ranker = makeRanker(phrasings.filter { $0.slot != fold })
                    let items = phrasings.filter { $0.slot == fold }.map { phrasing in
                        item(ranker.score(phrasing.text, vector: phrasing.vector), phrasingOf: phrasing.entry, positive: true)
                    }
                    results.set(fold, (nil, items))
                } else {
                    let group = fold - slotCount - 1
                    let ranker = makeRanker(phrasings.filter { $0.entry % groups != group })
                    let items = phrasings.filter {
                        $0.entry % groups == group && $0.slot > 0 && isUnseen($0, present: { $0 % groups != group })
                    }.map { phrasing in
                        item(ranker.score(phrasing.text, vector: phrasing.vector), phrasingOf: phrasing.entry, positive: false)
                    }
                    results.set(fold, (nil, items))
                }
            }
            collected = results.values
        } else {
            // A centroid ranker holds sums that a phrasing or an entry can be taken out of exactly while
            // scoring, so one index serves every held-out item (only the IDF still counts the held-out
            // phrasing: one document in thousands). Large knowledge bases are sampled evenly.
            let ranker = makeRanker(phrasings)
            let candidates = phrasings.filter { $0.slot > 0 }
            let sample = Self.evenSample(candidates.count, size: Self.maxCalibrationItems)
            let positives = ParallelMap.run(sample, on: workers) { index in
                let phrasing = candidates[index]
                return item(
                    ranker.score(phrasing.text, vector: phrasing.vector, holdingOut: .phrasing(ofEntry: phrasing.entry)),
                    phrasingOf: phrasing.entry,
                    positive: true)
            }
            let negatives = ParallelMap.run(sample.filter { isUnseen(candidates[$0], present: { _ in true }) }, on: workers) {
                index in
                let phrasing = candidates[index]
                return item(
                    ranker.score(phrasing.text, vector: phrasing.vector, holdingOut: .entry(phrasing.entry)),
                    phrasingOf: phrasing.entry, positive: false)
            }
            collected = [(ranker, positives + negatives)]
        }
        self.ranker = collected[0].ranker!
        let items = collected.flatMap(\.items)
        let positives = items.filter(\.positive)
        let negatives = items.filter { !$0.positive }

        let model = ConfidenceModel(inputs: items.map(\.features.modelInputs), labels: items.map(\.correct))
        let probabilities = items.map { model.probability($0.features) }
        let correct = items.map(\.correct)
        let answerThreshold = Thresholds.answer(
            probabilities: probabilities, correct: correct, precision: policy.answerPrecision, minimumItems: 5)
        var answerThresholds: [Int: Double] = [:]
        for (category, precision) in policy.answerPrecisionByCategory {
            guard let index = categoryIDs.firstIndex(of: CategoryID(rawValue: category)) else { continue }
            let mine = items.indices.filter { items[$0].predictedCategory == index }
            let own = Thresholds.answer(
                probabilities: mine.map { probabilities[$0] }, correct: mine.map { correct[$0] }, precision: precision,
                minimumItems: 15)
            // Too few items of its own: the category's precision applied to all items.
            answerThresholds[index] =
                own < 1
                ? own
                : Thresholds.answer(probabilities: probabilities, correct: correct, precision: precision, minimumItems: 5)
        }
        let suggestThreshold = Thresholds.quantile(positives.filter(\.inTop3).map(\.features.topScore), policy.suggestQuantile)
        let domainThreshold = Thresholds.quantile(negatives.map(\.features.bestCategorySimilarity), policy.domainQuantile)
        func share(_ flags: [Bool]) -> Double { flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count) }

        self.confidence = model
        self.answerThresholds = answerThresholds
        self.calibration = Calibration(
            heldOutTop1: share(positives.map(\.correct)), heldOutRecall3: share(positives.map(\.inTop3)),
            heldOutCategory: share(positives.map(\.categoryRight)), positives: positives.count, negatives: negatives.count,
            answerThreshold: answerThreshold,
            answerThresholdByCategory: Dictionary(
                uniqueKeysWithValues: answerThresholds.map { (categoryIDs[$0.key].rawValue, $0.value) }),
            suggestThreshold: suggestThreshold, domainThreshold: domainThreshold, provisional: false)
    }

    /// The closest entries of one category, for when the associate has said which category they mean
    /// (the answer to a clarify). Entries that share no word with `text` are left out, so an empty list
    /// means the category has nothing for it.
    public func closestEntries(to text: String, in category: CategoryID, limit: Int = 3) -> [KnowledgeEntry] {
        guard let index = categoryIDs.firstIndex(of: category) else { return [] }
        return ranker.closest(to: ChineseScript.fold(text), inCategory: index, limit: limit).map { entries[$0] }
    }

    /// What the knowledge base makes of `text` as the first message of a conversation: the signals in
    /// its wording, and what the match alone suggests (the hand-over policy decides).
    public func understand(_ text: String) -> Understanding {
        // Traditional characters read as simplified from here on (before synonyms, which are simplified);
        // the caller keeps the associate's own text for the log and the ticket.
        let text = ChineseScript.fold(text)
        // One sentence vector for the ranker and the intent classifier (the same text, the same model).
        let vector = (embedder ?? intents?.embedder).map { $0.embed(IntentClassifier.embeddedText(text)) }
        let scored = ranker.score(text, vector: embedder == nil ? nil : vector)
        let features = scored.features
        let probability = scored.top.isEmpty ? 0 : confidence.probability(features)
        let candidates = Self.candidates(scored, entries: entries)
        let topCategory = scored.top.first.map { categoryIDs[entryCategory[$0.entry]] }
        let reading = signals.read(text, vector: intents?.embedder?.modelName == embedder?.modelName ? vector : nil)
        var found = reading.signals.sorted()
        // A message that is, word for word, one of its best entry's own phrasings is what an admin wrote as a
        // routine question (店里空调坏了 under 设施报修): the classifier's reading does not hand it over, the
        // lexicon's phrases still do.
        let normal = TextNormalizer.normalize(text)
        if reading.signals != reading.forced, let top = scored.top.first?.entry,
            entries[top].phrasings.contains(where: { TextNormalizer.normalize($0) == normal })
        {
            found = reading.forced.sorted()
        }
        func result(_ suggestion: Understanding.Suggestion, category: CategoryID? = topCategory) -> Understanding {
            Understanding(
                suggestion: suggestion, signals: found, category: category, candidates: candidates, confidence: probability)
        }

        if reading.isSmalltalk || normal.isEmpty {
            return result(.smalltalk, category: found.isEmpty ? nil : topCategory)
        }
        if let top = scored.top.first?.entry {
            let threshold = max(
                answerThresholds[entryCategory[top]] ?? calibration.answerThreshold, policy.minimumAnswerConfidence)
            if probability >= threshold, features.tokenCount >= policy.minimumAnswerTokens {
                // Thresholds made on another knowledge base do not answer: offer the closest instead.
                return result(calibration.isStale ? .suggest : .answer)
            }
            if features.topScore >= calibration.suggestThreshold {
                return result(.suggest)
            }
            // A short term of the knowledge base itself (报修) is shop talk, however weak the match: offer the closest.
            if features.isKnownTerm, (2...policy.clarifyMaxTokens).contains(features.tokenCount) {
                return result(.suggest)
            }
        }
        // The classifier's small talk and off-topic decide only what the knowledge base has nothing close to:
        // a real question behind a 谢谢 is answered or offered above, and a shop whose knowledge base is
        // about food keeps its 一斤多少钱 that a store's classifier would call off-topic.
        switch reading.chat {
        case .smalltalk: return result(.smalltalk, category: found.isEmpty ? nil : topCategory)
        case .offTopic: return result(.outOfScope)
        case nil: break
        }
        guard scored.top.first != nil else {
            return result(.notCovered, category: nil)
        }
        // Shop talk the knowledge base does not cover goes to a person. A store's own classifier has had its
        // say on small talk and off-topic lines above, so what it leaves is a store's question even when the
        // knowledge base has no word of it (门店空调坏了找谁修 with no facilities entry): never "out of scope".
        if features.bestCategorySimilarity >= calibration.domainThreshold || signals.readsChat {
            return features.tokenCount <= policy.clarifyMaxTokens ? result(.clarify) : result(.notCovered)
        }
        // Off-topic as far as the knowledge base can tell; the classifier's category still says where it would go.
        return result(.outOfScope)
    }

    /// Published entries added, removed, or changed in their phrasings or category between two versions.
    static func changedEntries(from old: KnowledgeBase, to new: KnowledgeBase) -> Int {
        var before: [KnowledgeEntryID: KnowledgeEntry] = [:]
        for entry in old.publishedEntries { before[entry.id] = entry }
        var changed = 0
        for entry in new.publishedEntries {
            if let previous = before.removeValue(forKey: entry.id) {
                if previous.phrasings != entry.phrasings || previous.category != entry.category { changed += 1 }
            } else {
                changed += 1
            }
        }
        return changed + before.count
    }

    /// The top 5, each with its share of their fused scores' softmax. (Shared among the five shown:
    /// over a whole knowledge base of thousands of entries every share would read as almost nothing.)
    private static func candidates(_ scored: EntryRanker.Scored, entries: [KnowledgeEntry]) -> [Understanding.Candidate] {
        guard let best = scored.top.first?.fused else { return [] }
        let total = scored.top.reduce(0) { $0 + exp($1.fused - best) }
        return scored.top.map {
            Understanding.Candidate(entry: entries[$0.entry], score: exp($0.fused - best) / total)
        }
    }
}

/// One phrasing of the knowledge base, as training and calibration see it.
struct Phrasing: Sendable {
    /// Folded to simplified.
    var text: String
    var analysis: TFIDFSpace.Analysis
    /// The entry's index.
    var entry: Int
    /// 0 for the standard question, then the similar questions in order.
    var slot: Int
    /// Its sentence vector, with a sentence model.
    var vector: [Float]?
}

/// One calibration item: a phrasing scored by an index that did not contain it (or its entry).
struct CalibrationItem: Sendable {
    var features: ConfidenceFeatures
    var correct: Bool
    var inTop3: Bool
    var categoryRight: Bool
    var predictedCategory: Int?
    /// A held-out phrasing of a present entry (true), or of a removed entry (false).
    var positive: Bool
}

/// `map` on the workers, in contiguous chunks, keeping the order.
enum ParallelMap {
    static func run<Element: Sendable, Result: Sendable>(
        _ elements: [Element], on workers: any ParallelWorkers, _ transform: @escaping @Sendable (Element) -> Result
    ) -> [Result] {
        let chunkSize = 256
        let chunks = (elements.count + chunkSize - 1) / chunkSize
        guard chunks > 1 else { return elements.map(transform) }
        let results = ParallelResults<[Result]>(count: chunks)
        workers.forEach(chunks) { chunk in
            let range = (chunk * chunkSize)..<min(elements.count, (chunk + 1) * chunkSize)
            results.set(chunk, elements[range].map(transform))
        }
        return results.values.flatMap { $0 }
    }
}

/// Results written by `ParallelWorkers` iterations, one slot each.
final class ParallelResults<Value>: @unchecked Sendable {
    // Each iteration writes only its own slot, and the values are read after all have finished;
    // the lock keeps the array's storage itself safe.
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] { lock.withLock { slots.map { $0! } } }
}
