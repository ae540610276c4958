/// What a store associate's message is, as the intent classifier reads it: the four hand-over signals,
/// or small talk, or off-topic. A routine work question is none of them (the corpus labels it `question`).
public enum Intent: String, Sendable, Codable, CaseIterable, Comparable {
    /// Wants a person, a colleague or a department rather than the bot.
    case requestedHuman = "requested_human"
    /// Angry or dissatisfied, said outright or shown through ？？？, 😡 or "again".
    case complaint
    /// Time-critical or about safety: an outage that stops selling, a store emergency, a deadline minutes away.
    case urgent
    /// About one region's, city's or store's own policy, event or situation.
    case regional
    /// Greetings, thanks, acknowledgements and goodbyes only.
    case smalltalk
    /// Nothing to do with the store's work.
    case offTopic = "off_topic"

    /// The hand-over signal this intent is, nil for small talk and off-topic.
    public var signal: QuestionSignal? {
        switch self {
        case .requestedHuman: .requestedHuman
        case .complaint: .complaint
        case .urgent: .urgent
        case .regional: .regional
        case .smalltalk, .offTopic: nil
        }
    }

    public static func < (lhs: Intent, rhs: Intent) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
