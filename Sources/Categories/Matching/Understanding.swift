/// What the knowledge base makes of a question: the hand-over signals in its wording, the category,
/// the closest entries with a calibrated confidence, and what the match alone suggests doing.
///
/// It reports; it never decides a hand-over. `Escalation`'s hand-over policy turns it into the bot's
/// decision.
public struct Understanding: Sendable, Equatable {
    /// What the match alone suggests, before any hand-over rule.
    public enum Suggestion: String, Sendable, Codable, CaseIterable {
        /// The top entry answers it with enough confidence.
        case answer
        /// Offer the top 3 to pick from.
        case suggest
        /// A short question in the knowledge base's domain that fits no entry: ask which category.
        case clarify
        /// A greeting, thanks or acknowledgement.
        case smalltalk
        /// Off-topic: nothing the knowledge base is about.
        case outOfScope = "out_of_scope"
        /// In the knowledge base's domain, but no entry covers it.
        case notCovered = "not_covered"
    }

    /// An entry and its share of the match, in [0, 1].
    public struct Candidate: Sendable, Equatable {
        public var entry: KnowledgeEntry
        public var score: Double

        public init(entry: KnowledgeEntry, score: Double) {
            self.entry = entry
            self.score = score
        }
    }

    public var suggestion: Suggestion
    /// Hand-over signals in the wording (a request for a person, a complaint …), in `QuestionSignal` order.
    public var signals: [QuestionSignal]
    /// The category the question belongs to (also when no entry answers it), nil when none fits.
    public var category: CategoryID?
    /// Up to 5 entries, best first.
    public var candidates: [Candidate]
    /// P(the top entry is right), calibrated on the knowledge base.
    public var confidence: Double

    public init(
        suggestion: Suggestion, signals: [QuestionSignal] = [], category: CategoryID?, candidates: [Candidate] = [],
        confidence: Double = 0
    ) {
        self.suggestion = suggestion
        self.signals = signals
        self.category = category
        self.candidates = candidates
        self.confidence = confidence
    }
}
