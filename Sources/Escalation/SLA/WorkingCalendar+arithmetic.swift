import Foundation

extension WorkingCalendar {
    /// The moment when `workingDuration` seconds of the team's working time have passed since `start`,
    /// not counting `pauses` (a ticket waiting on the store).
    ///
    /// Two working hours from Friday 2026-02-13 17:30 with 09:00–18:00 hours is Saturday 2026-02-14 10:30,
    /// a make-up workday; from Thursday 2026-09-24 17:00 it is Monday 2026-09-28 10:00, after 中秋. A
    /// duration that ends exactly where a period ends is due at that end, not when the next one starts.
    /// Nil when the calendar has no working period within a year, or when an unfinished pause (one
    /// ending at `Date.distantFuture`) starts before the time is up.
    public func adding(_ workingDuration: TimeInterval, to start: Date, pausedDuring pauses: [DateInterval] = [])
        -> Date?
    {
        CountedTime.moment(after: workingDuration, in: CountedTime.excluding(pauses, from: workingPeriods(from: start)))
    }

    /// The seconds of the team's working time from `start` to `end`, not counting `pauses`; 0 when `end`
    /// is not after `start`. The inverse of `adding`: `workingTime(from: t, to: adding(d, to: t)!) == d`.
    public func workingTime(from start: Date, to end: Date, pausedDuring pauses: [DateInterval] = []) -> TimeInterval {
        guard end > start else { return 0 }
        return CountedTime.total(in: CountedTime.excluding(pauses, from: workingPeriods(from: start)), until: end)
    }

    /// `duration` seconds of clock time after `start`, not counting `pauses`: how urgent promises are
    /// kept (an emergency does not wait for Monday, nor for a holiday). Nil when an unfinished pause
    /// starts before the time is up.
    public static func addingClockTime(_ duration: TimeInterval, to start: Date, pausedDuring pauses: [DateInterval] = [])
        -> Date?
    {
        CountedTime.moment(after: duration, in: CountedTime.excluding(pauses, from: CountedTime.clock(from: start)))
    }

    /// The seconds of clock time from `start` to `end`, not counting `pauses`; 0 when `end` is not after
    /// `start`.
    public static func clockTime(from start: Date, to end: Date, pausedDuring pauses: [DateInterval] = []) -> TimeInterval {
        guard end > start else { return 0 }
        return CountedTime.total(in: CountedTime.excluding(pauses, from: CountedTime.clock(from: start)), until: end)
    }
}
