import Foundation

extension ResponseTarget {
    /// When the promise falls due for a ticket that exists from `start`, with its team's `calendar`
    /// (ignored for clock time) and without `pauses` (waiting on the store). Nil while a pause has not
    /// ended (it ends at `Date.distantFuture`) or when a working-time promise meets a calendar that never
    /// opens.
    public func due(from start: Date, calendar: WorkingCalendar, pausedDuring pauses: [DateInterval] = []) -> Date? {
        moment(after: duration, from: start, calendar: calendar, pauses: pauses)
    }

    /// When `fraction` of the promise has passed (the 80% point at which the assignee is warned), counted
    /// like `due`.
    public func warningTime(
        from start: Date, calendar: WorkingCalendar, pausedDuring pauses: [DateInterval] = [],
        fraction: Double = SLAPolicy.warningFraction
    ) -> Date? {
        moment(after: duration * min(max(fraction, 0), 1), from: start, calendar: calendar, pauses: pauses)
    }

    /// The seconds that count towards the promise between `start` and `end`: working or clock time, not
    /// counting `pauses`. What a breach records as achieved (divided by 60 for minutes).
    public func elapsed(
        from start: Date, to end: Date, calendar: WorkingCalendar, pausedDuring pauses: [DateInterval] = []
    ) -> TimeInterval {
        working
            ? calendar.workingTime(from: start, to: end, pausedDuring: pauses)
            : WorkingCalendar.clockTime(from: start, to: end, pausedDuring: pauses)
    }

    /// How much of the promise has gone by `now`: 0 at `start`, 0.8 at the warning, 1 at the due time,
    /// more once it is breached.
    public func elapsedFraction(
        from start: Date, at now: Date, calendar: WorkingCalendar, pausedDuring pauses: [DateInterval] = []
    ) -> Double {
        guard duration > 0 else { return now > start ? 1 : 0 }
        return elapsed(from: start, to: now, calendar: calendar, pausedDuring: pauses) / duration
    }

    /// The moment `seconds` of the promise's kind of time (working or clock) have passed since `start`.
    private func moment(after seconds: TimeInterval, from start: Date, calendar: WorkingCalendar, pauses: [DateInterval])
        -> Date?
    {
        working
            ? calendar.adding(seconds, to: start, pausedDuring: pauses)
            : WorkingCalendar.addingClockTime(seconds, to: start, pausedDuring: pauses)
    }
}
