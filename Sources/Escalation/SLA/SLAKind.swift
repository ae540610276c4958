/// The two promises a ticket carries: a first answer from a person, and the resolution.
public enum SLAKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// From the moment the ticket exists to the first message of a person (the bot's never count).
    case firstResponse = "first_response"
    /// From the moment the ticket exists to its resolution.
    case resolution
}
