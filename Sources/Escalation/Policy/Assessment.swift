import Categories

/// The bot's decision on a message, with its reasons and what the knowledge base made of it.
public struct Assessment: Sendable, Equatable {
    public var decision: Decision
    public var reasons: [ReasonCode]
    public var understanding: Understanding

    public init(decision: Decision, reasons: [ReasonCode], understanding: Understanding) {
        self.decision = decision
        self.reasons = reasons
        self.understanding = understanding
    }

    /// The category it is routed by (nil for small talk and when nothing fits).
    public var category: CategoryID? { understanding.category }
    public var candidates: [Understanding.Candidate] { understanding.candidates }
    public var confidence: Double { understanding.confidence }
}
