import Foundation

/// A ticket's due times and the alarms still ahead of it, worked out from its state and history alone.
///
/// Pure: the same ticket, history, calendar and targets give the same schedule, so that a restart
/// changes nothing and a changed calendar or target is taken into account by computing it again.
public struct TicketSchedule: Sendable, Equatable {
    /// An alarm and when it goes off.
    public struct Entry: Sendable, Equatable {
        public var alarm: TicketAlarm
        public var at: Date
    }

    /// The SLA's due times (nil while the ticket waits on the store).
    public var due: SLADueTimes
    /// The alarms not yet acted on, earliest first.
    public var entries: [Entry]

    /// When the scheduler must look at the ticket next.
    public var nextCheck: Date? { entries.first?.at }

    /// The alarms whose time has come at `now`, earliest first. A warning whose breach has come too is
    /// left out: after a long stop, people hear of the breach, not of a warning that is no longer true.
    public func alarms(dueAt now: Date) -> [TicketAlarm] {
        let due = entries.filter { $0.at <= now }.map(\.alarm)
        return due.filter { alarm in
            if case .warn(let kind) = alarm { return !due.contains(.breach(kind)) }
            return true
        }
    }

    /// The schedule of `ticket`, which spent `pauses` waiting on the store or resolved, with `team`'s
    /// calendar, the targets in `policy` and the `timers`.
    public static func make(
        for ticket: Ticket, pauses: [DateInterval], team: Team, policy: SLAPolicy, timers: TicketTimers
    ) -> TicketSchedule {
        let calendar = team.calendar
        let due = policy.dueTimes(createdAt: ticket.createdAt, priority: ticket.priority, calendar: calendar, pauses: pauses)
        var entries: [Entry] = []
        func add(_ alarm: TicketAlarm, _ date: Date?) {
            guard let date, !ticket.alarmsDone.contains(alarm.key) else { return }
            entries.append(Entry(alarm: alarm, at: date))
        }
        switch ticket.status {
        case .open, .assigned:
            if ticket.status == .open, ticket.assignee == nil, ticket.offeredTo.isEmpty {
                // `heldSince` is when the offer was put off (the ticket's opening, or a return out of hours).
                add(.offer, calendar.workingStart(atOrAfter: ticket.heldSince ?? ticket.createdAt))
            }
            // One person has it and has not acted: a team with others takes it back.
            let onePerson = ticket.assignee != nil || ticket.offeredTo.count == 1
            if let since = ticket.heldSince, ticket.firstReplyAt == nil, onePerson, team.everyone.count > 1 {
                add(.returnToTeam(since: since), timers.unresponsiveAfter.due(from: since, calendar: calendar))
            }
            for kind in SLAKind.allCases {
                if kind == .firstResponse, ticket.firstReplyAt != nil { continue }
                add(.warn(kind), due.warning(kind))
                add(.breach(kind), due.due(kind))
                let target = policy.target(kind, for: ticket.priority)
                let ladder = ResponseTarget(duration: target.duration * timers.managerFraction, working: target.working)
                add(.manager(kind), ladder.due(from: ticket.createdAt, calendar: calendar, pausedDuring: pauses))
            }
        case .waiting:
            if let since = ticket.waitingSince {
                let stores = timers.storeCalendar
                add(.remindStore(since: since), stores.adding(timers.waitReminderAfter, to: since))
                add(.closeWaiting(since: since), stores.adding(timers.waitCloseAfter, to: since))
            }
        case .resolved:
            add(.close, ticket.resolvedAt.map { $0.addingTimeInterval(timers.reopenWindow) })
        case .closed:
            break
        }
        entries.sort { $0.at < $1.at }
        return TicketSchedule(due: due, entries: entries)
    }
}

extension TicketEvent {
    /// The intervals the SLA does not count, from a ticket's timeline in order: waiting on the store
    /// (from `#1001 等待` until the store answers, or the ticket is resolved or closed) and resolved (until
    /// reopened). One not yet over ends at `Date.distantFuture`.
    public static func slaPauses(in events: [TicketEvent]) -> [DateInterval] {
        var pauses: [DateInterval] = []
        var waitingSince: Date?
        var resolvedSince: Date?
        func end(_ start: inout Date?, at date: Date) {
            if let begun = start { pauses.append(DateInterval(start: begun, end: max(begun, date))) }
            start = nil
        }
        for event in events {
            switch event.kind {
            case .waiting:
                if waitingSince == nil { waitingSince = event.at }
            case .resumed, .withdrawn, .closed:
                end(&waitingSince, at: event.at)
            case .resolved:
                end(&waitingSince, at: event.at)
                if resolvedSince == nil { resolvedSince = event.at }
            case .reopened:
                end(&resolvedSince, at: event.at)
            default:
                break
            }
        }
        for start in [waitingSince, resolvedSince].compactMap({ $0 }) {
            pauses.append(DateInterval(start: start, end: .distantFuture))
        }
        return pauses.sorted { $0.start < $1.start }
    }
}
