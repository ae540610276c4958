/// What the bot does with an associate's first message.
public enum Decision: String, Sendable, Codable, CaseIterable {
    /// Reply with the top entry's answer.
    case answer
    /// Offer the top 3 to pick from.
    case suggest
    /// Ask which category the question is about.
    case clarify
    /// A short polite reply (greetings, thanks, off-topic lines).
    case smalltalk
    /// A person takes it over.
    case escalate
}
