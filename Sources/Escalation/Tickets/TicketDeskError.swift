/// Why an agent's action on a ticket cannot be done, said so the agent can fix it.
public enum TicketDeskError: Error, Sendable, Equatable {
    case notFound(TicketNumber)
    /// Someone else has it (`holder` says who) or it is not the agent's team's.
    case notYours(TicketNumber, holder: String)
    /// Another agent claimed it first.
    case taken(TicketNumber, by: String)
    /// Resolved or closed.
    case notActive(TicketNumber, TicketStatus)
    /// A reassignment to whoever has it already.
    case alreadyWith(TicketNumber, holder: String)
    /// A reassignment to no known agent or team.
    case unknownTarget(String)
    /// Only a resolved ticket reopens (a closed one gets a follow-up ticket instead).
    case notResolved(TicketNumber, TicketStatus)
}
