/// Why a conversation should go to a person.
///
/// The escalation issue adds the policy, tickets, routing and SLA; until then the server records
/// hand-overs with these reasons so that nothing asked is lost.
public enum HandOverReason: String, Sendable, Codable, CaseIterable {
    /// The associate asked for a person (转人工).
    case requestedHuman = "requested_human"
    case complaint
    case urgent
    /// A question about one region's, city's or store's own matter.
    case regional
    /// The bot has no confident answer.
    case lowConfidence = "low_confidence"
}
