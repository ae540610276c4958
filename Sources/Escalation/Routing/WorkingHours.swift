import Foundation

/// When a team works: a weekly schedule of periods in one time zone.
///
/// The business-time arithmetic lives in `WorkingCalendar`, which adds holidays and 调休 make-up days to
/// these hours; `isOpen`, `nextOpening` and `adding` here are that arithmetic without a holiday calendar.
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

    /// Whether the team works at `date` by its weekly hours alone (holidays: `WorkingCalendar.isWorking`).
    public func isOpen(at date: Date) -> Bool {
        WorkingCalendar(hours: self).isWorking(at: date)
    }

    /// `date` itself when the team works then, else the start of its next period, by the weekly hours
    /// alone; nil when the schedule has no period.
    public func nextOpening(atOrAfter date: Date) -> Date? {
        WorkingCalendar(hours: self).workingStart(atOrAfter: date)
    }

    /// The moment when `workingTime` seconds of the team's working time have passed since `start`, by the
    /// weekly hours alone: two working hours from Friday 17:30 with Monday–Friday 09:00–18:00 is Monday
    /// 10:30. Nil when the schedule has no period.
    public func adding(_ workingTime: TimeInterval, to start: Date) -> Date? {
        WorkingCalendar(hours: self).adding(workingTime, to: start)
    }
}
