/// What the scheduler did to one ticket when its alarms came due.
public struct TicketTick: Sendable, Equatable {
    /// The ticket as it is afterwards (nil when it no longer exists).
    public var ticket: Ticket?
    /// The alarms acted on, in order.
    public var fired: [TicketAlarm]
    /// What people must hear.
    public var notices: [TicketNotice]

    public init(ticket: Ticket?, fired: [TicketAlarm] = [], notices: [TicketNotice] = []) {
        self.ticket = ticket
        self.fired = fired
        self.notices = notices
    }
}

/// Why StoreDesk closed a ticket on its own.
public enum TicketCloseReason: String, Sendable, Codable {
    /// Resolved, and not contested within the reopen window.
    case resolved
    /// The store never answered the agent's question.
    case noAnswer = "no_answer"
}
