import Categories

/// Why the bot decided what it did: the one list of reason codes, in logs, the review queue, `ask` and
/// (later) tickets.
public enum ReasonCode: String, Sendable, Codable, CaseIterable, Comparable {
    /// The associate asked for a person (转人工).
    case requestedHuman = "requested_human"
    case complaint
    /// An emergency or a safety matter.
    case urgent
    /// A question about one region's, city's or store's own matter.
    case regional
    /// The bot has no confident answer and offers the closest entries.
    case lowConfidence = "low_confidence"
    /// A short question that fits no entry: the bot asks which category.
    case shortQuestion = "short_question"
    /// In the knowledge base's domain, but no entry covers it: a person takes it.
    case notCovered = "not_covered"
    /// The associate said none of the suggestions fits.
    case suggestionsDeclined = "suggestions_declined"
    /// The associate said the bot's answer did not help (没用).
    case answerUnhelpful = "answer_unhelpful"
    /// An admin marked the question's category "always a person".
    case categoryAlwaysPerson = "category_always_person"
    /// Off-topic: nothing StoreDesk is about (not a hand-over).
    case outOfScope = "out_of_scope"
    /// A greeting, thanks or acknowledgement.
    case smalltalk

    /// The code of a hand-over signal found in the wording.
    public init(_ signal: QuestionSignal) {
        switch signal {
        case .requestedHuman: self = .requestedHuman
        case .complaint: self = .complaint
        case .urgent: self = .urgent
        case .regional: self = .regional
        }
    }

    public static func < (lhs: ReasonCode, rhs: ReasonCode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
