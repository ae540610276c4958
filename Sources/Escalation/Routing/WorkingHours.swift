import Foundation

/// When a team works: a weekly schedule of periods in one time zone.
///
/// All the business-time arithmetic lives in `openPeriods(from:)`, which turns the schedule into the
/// stretches of open time that follow a moment; `isOpen`, `nextOpening` and `adding` only read them.
/// Holidays and 调休 make-up days (a later issue) change which periods a calendar day has, in
/// `periods(onDayStarting:)`, and nothing else.
public struct WorkingHours: Sendable, Equatable {
    /// The time zone the periods are written in.
    public var timeZone: TimeZone
    /// The open periods of each weekday, in order; a day that is missing or empty is closed.
    public var weekly: [Weekday: [DailyPeriod]]

    public init(timeZone: TimeZone, weekly: [Weekday: [DailyPeriod]]) {
        self.timeZone = timeZone
        self.weekly = weekly.mapValues { $0.sorted() }
    }

    /// The same periods on each of `days`.
    public init(timeZone: TimeZone, days: [Weekday], periods: [DailyPeriod]) {
        self.init(timeZone: timeZone, weekly: Dictionary(uniqueKeysWithValues: days.map { ($0, periods) }))
    }

    /// China Standard Time, the chain's time zone (UTC+8 all year, should the system lack tzdata).
    public static let chinaStandardTime = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// Always open (every day 00:00–24:00): for teams that promise clock time.
    public static let always = WorkingHours(
        timeZone: chinaStandardTime, days: Weekday.allCases, periods: [.wholeDay])

    /// HQ's office hours in `timeZone`: Monday to Friday, 09:00–18:00.
    public static func officeHours(in timeZone: TimeZone = chinaStandardTime) -> WorkingHours {
        WorkingHours(timeZone: timeZone, days: Weekday.workdays, periods: [.officeHours])
    }

    /// Whether the schedule has any open period at all; without one nothing is ever due.
    public var hasOpenPeriods: Bool { weekly.values.contains { !$0.isEmpty } }

    /// Whether the team works at `date`.
    public func isOpen(at date: Date) -> Bool {
        openPeriods(from: date).first { _ in true }?.start == date
    }

    /// `date` itself when the team works then, else the start of its next period; nil when the
    /// schedule has no period.
    public func nextOpening(atOrAfter date: Date) -> Date? {
        openPeriods(from: date).first { _ in true }?.start
    }

    /// The moment when `workingTime` seconds of the team's working time have passed since `start`:
    /// two working hours from Friday 17:30 with Monday–Friday 09:00–18:00 is Monday 10:30. Nil when the
    /// schedule has no period.
    public func adding(_ workingTime: TimeInterval, to start: Date) -> Date? {
        var remaining = max(0, workingTime)
        for period in openPeriods(from: start) {
            let length = period.end.timeIntervalSince(period.start)
            if remaining <= length { return period.start.addingTimeInterval(remaining) }
            remaining -= length
        }
        return nil
    }

    /// The open stretches at or after `date`, in order, as absolute times: the first is cut to start at
    /// `date` when `date` falls inside it. Stops (ends the sequence) after a year without any period, so
    /// that a schedule that never opens cannot loop.
    func openPeriods(from date: Date) -> some Sequence<DateInterval> {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var day = calendar.startOfDay(for: date)
        var pending: [DateInterval] = []
        var closedDays = 0
        return AnyIterator<DateInterval> {
            while pending.isEmpty {
                guard hasOpenPeriods, closedDays <= 366 else { return nil }
                let next = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
                pending = periods(onDayStarting: day, nextDay: next, calendar: calendar).compactMap { interval in
                    guard interval.end > date else { return nil }
                    return DateInterval(start: max(interval.start, date), end: interval.end)
                }
                closedDays = pending.isEmpty ? closedDays + 1 : 0
                day = next
            }
            return pending.removeFirst()
        }
    }

    /// The open periods of the calendar day that starts at `day`, as absolute times.
    private func periods(onDayStarting day: Date, nextDay: Date, calendar: Calendar) -> [DateInterval] {
        let weekday = Weekday(calendarWeekday: calendar.component(.weekday, from: day))
        return (weekly[weekday] ?? []).compactMap { period in
            let start = moment(period.start, of: day, nextDay: nextDay, calendar: calendar)
            let end = moment(period.end, of: day, nextDay: nextDay, calendar: calendar)
            return start < end ? DateInterval(start: start, end: end) : nil
        }
    }

    /// The wall-clock minute `minute` of the day starting at `day` (1440 is the next day's start); a
    /// time skipped by a daylight-saving change becomes the next time that exists.
    private func moment(_ minute: Int, of day: Date, nextDay: Date, calendar: Calendar) -> Date {
        if minute >= DailyPeriod.minutesPerDay { return nextDay }
        return calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day)
            ?? day.addingTimeInterval(Double(minute) * 60)
    }
}
