/// The policies an admin chooses; the engine turns them into thresholds on the knowledge base's
/// own calibration items whenever the knowledge changes, so no threshold is a fixed number.
public struct MatchingPolicy: Sendable, Hashable, Codable {
    /// Answer only where held-out phrasings and simulated unseen questions show at least this
    /// share of right answers.
    public var answerPrecision: Double
    /// A stricter (or looser) precision for some categories; their threshold is computed on the
    /// calibration items of that category when it has enough of them.
    public var answerPrecisionByCategory: [String: Double]
    /// Suggest when the best match is at least as close as this quantile of held-out phrasings
    /// whose entry was among the top 3 (lower suggests more often).
    public var suggestQuantile: Double
    /// Below this quantile of the simulated unseen questions' closeness to any category, a
    /// question is off-topic rather than an unanswered shop question.
    public var domainQuantile: Double
    /// Questions this short that fit no entry are asked to say more (clarify) rather than handed over.
    public var clarifyMaxTokens: Int
    /// A question shorter than this (in tokens: characters and words) names a topic, not a question
    /// (小票, 调拨): it is offered suggestions, never a direct answer.
    public var minimumAnswerTokens: Int
    /// Never answer below this calibrated confidence, whatever `answerPrecision` allows. The precision
    /// policy is cumulative: the items just above its threshold can be right less than half the time,
    /// and answering those would be guessing.
    public var minimumAnswerConfidence: Double

    public init(
        answerPrecision: Double = 0.70, answerPrecisionByCategory: [String: Double] = [:], suggestQuantile: Double = 0.30,
        domainQuantile: Double = 0.25, clarifyMaxTokens: Int = 3, minimumAnswerTokens: Int = 3,
        minimumAnswerConfidence: Double = 0.5
    ) {
        self.answerPrecision = answerPrecision
        self.answerPrecisionByCategory = answerPrecisionByCategory
        self.suggestQuantile = suggestQuantile
        self.domainQuantile = domainQuantile
        self.clarifyMaxTokens = clarifyMaxTokens
        self.minimumAnswerTokens = minimumAnswerTokens
        self.minimumAnswerConfidence = minimumAnswerConfidence
    }
}

/// What calibration found on the knowledge base, for admins and the dashboard.
public struct Calibration: Sendable, Equatable, Codable {
    /// Held-out phrasings scored against an index without them: how often the top entry, the top 3
    /// and the category were right.
    public var heldOutTop1: Double
    public var heldOutRecall3: Double
    public var heldOutCategory: Double
    /// Calibration items: held-out phrasings, and phrasings of entries removed to play unseen questions.
    public var positives: Int
    public var negatives: Int
    /// P(correct) needed to answer, overall and where a category's policy differs.
    public var answerThreshold: Double
    public var answerThresholdByCategory: [String: Double]
    /// The fused score needed to suggest.
    public var suggestThreshold: Double
    /// The closeness to a category below which a question is off-topic.
    public var domainThreshold: Double
    /// True while the figures come from an earlier version of the knowledge base (just after an
    /// edit, until the full calibration has run).
    public var provisional: Bool
    /// Published entries added, changed or removed since the figures were made.
    public var entriesChangedSince = 0
    /// So much of the knowledge base changed since the figures were made (an import, a replace) that its
    /// thresholds speak for another knowledge base: until the new calibration lands, the engine suggests
    /// where it would have answered.
    public var isStale = false

    /// Which calibration decides now.
    public var state: State { isStale ? .conservative : provisional ? .provisional : .calibrated }

    public enum State: String, Sendable, Codable {
        /// Made on this knowledge base.
        case calibrated
        /// Made before a small edit; the full calibration follows in seconds.
        case provisional
        /// Made before a large change: no answers, only suggestions, until the full calibration lands.
        case conservative
    }

    /// Records that `changed` more entries differ from what the figures were made on, out of `total`.
    mutating func markProvisional(changed: Int, total: Int) {
        provisional = true
        entriesChangedSince += changed
        isStale = isStale || entriesChangedSince > max(Self.smallEdit, Int(Double(total) * Self.staleShare))
    }

    /// Up to this many entries changed, or this share of them, keep the thresholds meaningful.
    static let smallEdit = 5
    static let staleShare = 0.1
}
