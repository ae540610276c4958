/// What opening a ticket did: the ticket the hand-over went to, what people must hear, and whether it is
/// a new ticket or the associate's active one that the hand-over joined.
public struct TicketOpening: Sendable, Equatable {
    public var ticket: Ticket
    public var notices: [TicketNotice]
    /// False when the associate had a ticket active already and the hand-over was added to it.
    public var isNew: Bool

    public init(ticket: Ticket, notices: [TicketNotice], isNew: Bool) {
        self.ticket = ticket
        self.notices = notices
        self.isNew = isNew
    }
}
