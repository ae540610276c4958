/// What the bot makes of a question: its decision, the category, the closest entries, a calibrated
/// confidence and the reasons.
public struct Understanding: Sendable, Equatable {
    public enum Decision: String, Sendable, Codable, CaseIterable {
        /// Reply with the top entry's answer.
        case answer
        /// Offer the top 3 to pick from.
        case suggest
        /// Ask the associate to say more (which category, what exactly).
        case clarify
        /// A greeting, thanks, acknowledgement, or something off-topic: a short polite reply.
        case smalltalk
        /// A person takes it over.
        case escalate
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

    public var decision: Decision
    /// The category the question belongs to (also when no entry answers it), nil when none fits.
    public var category: CategoryID?
    /// Up to 5 entries, best first.
    public var candidates: [Candidate]
    /// P(the top entry is right), calibrated on the knowledge base.
    public var confidence: Double
    /// Codes: requested_human, complaint, urgent, regional, low_confidence, out_of_scope, smalltalk,
    /// short_question, suggestions_declined.
    public var reasons: [String]

    public init(
        decision: Decision, category: CategoryID?, candidates: [Candidate] = [], confidence: Double = 0, reasons: [String]
    ) {
        self.decision = decision
        self.category = category
        self.candidates = candidates
        self.confidence = confidence
        self.reasons = reasons
    }
}
