import Foundation

/// How soon tickets are answered and resolved, per priority: each target a duration in working time
/// (the team's calendar: hours, holidays, 调休) or in clock time.
///
/// Pure: due times follow from the moment the ticket exists, its priority, its team's calendar and the
/// intervals it spent waiting on the store, so that they can be recomputed from a ticket's history when
/// a calendar or a target changes, and survive restarts unchanged.
public struct SLAPolicy: Sendable, Equatable {
    /// The first-response target per priority; a priority missing here has its standard target.
    public var firstResponse: [TicketPriority: ResponseTarget]
    /// The resolution target per priority; a priority missing here has its standard target.
    public var resolution: [TicketPriority: ResponseTarget]

    public init(
        firstResponse: [TicketPriority: ResponseTarget] = SLAPolicy.standardFirstResponse,
        resolution: [TicketPriority: ResponseTarget] = SLAPolicy.standardResolution
    ) {
        self.firstResponse = firstResponse
        self.resolution = resolution
    }

    /// The standard targets.
    public static let standard = SLAPolicy()

    /// Urgent: 10 minutes on the clock; high: 30 working minutes; normal: 2 working hours; low: one
    /// working day. The same as `RoutingTable.standardFirstResponse`, which the ticket desk reads.
    public static let standardFirstResponse = RoutingTable.standardFirstResponse

    /// Urgent: 4 hours on the clock (an emergency does not wait for Monday, nor for a holiday); high: one
    /// working day; normal: two working days; low: five working days. A working day is 8 working hours
    /// (`ResponseTarget.workingDay`).
    public static let standardResolution: [TicketPriority: ResponseTarget] = [
        .urgent: .hours(4, working: false),
        .high: ResponseTarget(duration: ResponseTarget.workingDay, working: true),
        .normal: ResponseTarget(duration: 2 * ResponseTarget.workingDay, working: true),
        .low: ResponseTarget(duration: 5 * ResponseTarget.workingDay, working: true),
    ]

    /// The share of a target after which the assignee is warned.
    public static let warningFraction = 0.8

    /// The target of `kind` for `priority`.
    public func target(_ kind: SLAKind, for priority: TicketPriority) -> ResponseTarget {
        switch kind {
        case .firstResponse: firstResponse[priority] ?? Self.standardFirstResponse[priority]!
        case .resolution: resolution[priority] ?? Self.standardResolution[priority]!
        }
    }

    /// When a ticket of `priority` that exists from `createdAt` must have its first response and its
    /// resolution, and when to warn before each, counted on its team's `calendar` (clock time for clock
    /// targets) without the intervals in `pauses` (waiting on the store; one still under way ends at
    /// `Date.distantFuture`, and the due times it holds back are nil until it ends).
    ///
    /// A transfer between teams does not reset the count: pass the time already counted to the new
    /// team's calendar through `ResponseTarget.elapsed` and `WorkingCalendar.adding`, or keep the first
    /// team's calendar, as the caller decides.
    public func dueTimes(
        createdAt: Date, priority: TicketPriority, calendar: WorkingCalendar, pauses: [DateInterval] = []
    ) -> SLADueTimes {
        let first = target(.firstResponse, for: priority)
        let last = target(.resolution, for: priority)
        let firstDue = first.due(from: createdAt, calendar: calendar, pausedDuring: pauses)
        let lastDue = last.due(from: createdAt, calendar: calendar, pausedDuring: pauses)
        // Only working time reads holidays. Its count reached as far as the later due time, or, for a
        // due time held back by a wait still under way, the start of that wait.
        let working = [(first, firstDue), (last, lastDue)].filter { $0.0.working }.map(\.1)
        var reached = working.compactMap { $0 }
        if working.contains(where: { $0 == nil }),
            let wait = pauses.filter({ $0.end >= .distantFuture }).map(\.start).min()
        {
            reached.append(wait)
        }
        let reach = reached.max()
        return SLADueTimes(
            firstResponse: firstDue, resolution: lastDue,
            firstResponseWarning: first.warningTime(from: createdAt, calendar: calendar, pausedDuring: pauses),
            resolutionWarning: last.warningTime(from: createdAt, calendar: calendar, pausedDuring: pauses),
            unpublishedYears: reach.map { calendar.unpublishedYears(from: createdAt, to: max($0, createdAt)) } ?? [])
    }

    /// How much of the target of `kind` has gone by `now` (0.8 is the warning, 1 the breach), for a
    /// ticket of `priority` that exists from `createdAt`.
    public func elapsedFraction(
        _ kind: SLAKind, priority: TicketPriority, createdAt: Date, at now: Date, calendar: WorkingCalendar,
        pauses: [DateInterval] = []
    ) -> Double {
        target(kind, for: priority).elapsedFraction(from: createdAt, at: now, calendar: calendar, pausedDuring: pauses)
    }
}
