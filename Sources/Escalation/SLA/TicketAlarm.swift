import Foundation

/// Something the scheduler does to a ticket when its time comes, without anyone writing.
public enum TicketAlarm: Sendable, Hashable {
    /// A ticket opened outside working hours is offered to the team when it opens.
    case offer
    /// Its one offeree has not claimed it, or its holder has not written to the store, since `since`:
    /// it goes back to the team.
    case returnToTeam(since: Date)
    /// 80% of a target has passed: the assignee (or the offerees) is warned.
    case warn(SLAKind)
    /// A target has passed: the assignee and the team lead hear of it, and it is recorded.
    case breach(SLAKind)
    /// A breach still unmet after `TicketTimers.managerFraction` of its target: the region's manager hears.
    case manager(SLAKind)
    /// The store has not answered the wait that began at `since`: reminded once.
    case remindStore(since: Date)
    /// The store never answered the wait that began at `since`: the ticket closes.
    case closeWaiting(since: Date)
    /// Resolved and not contested within the reopen window: closed for good.
    case close

    /// What `Ticket.alarmsDone` keeps: the same alarm is never acted on twice, across restarts.
    public var key: String {
        switch self {
        case .offer: "offer"
        case .returnToTeam(let since): "return@\(Int(since.timeIntervalSince1970))"
        case .warn(let kind): "warn.\(kind.rawValue)"
        case .breach(let kind): "breach.\(kind.rawValue)"
        case .manager(let kind): "manager.\(kind.rawValue)"
        case .remindStore(let since): "remind@\(Int(since.timeIntervalSince1970))"
        case .closeWaiting(let since): "expire@\(Int(since.timeIntervalSince1970))"
        case .close: "close"
        }
    }

    /// The alarm's name, for logs and metrics.
    public var name: String {
        switch self {
        case .offer: "offer"
        case .returnToTeam: "return_to_team"
        case .warn: "warn"
        case .breach: "breach"
        case .manager: "manager"
        case .remindStore: "remind_store"
        case .closeWaiting: "close_waiting"
        case .close: "close"
        }
    }
}
