import Foundation

/// When a team works, day by day: its weekly hours in its time zone, corrected by a holiday calendar.
///
/// A holiday is closed whatever the weekday and whatever the team's hours on that weekday; a make-up
/// workday (调休) works a normal weekday's hours even on a Saturday or Sunday; every other day, and every
/// day of a year whose dates are not published yet, follows the weekly hours. Holidays are read in the
/// team's own time zone: 1 October is closed from midnight to midnight where the team works.
///
/// Everything here is pure: the same calendar and the same instants give the same answer, so due times
/// can be recomputed from a ticket's history whenever a calendar or a target changes. The arithmetic
/// (`adding`, `workingTime`) is in `WorkingCalendar+arithmetic.swift`.
public struct WorkingCalendar: Sendable, Equatable {
    /// The weekly schedule and the time zone it is written in.
    public var hours: WorkingHours
    /// The holidays and make-up workdays; nil for a team that follows its weekly hours whatever the date
    /// (`holidays: none` in `escalation.yaml`), which is then never reported as missing dates.
    public var holidays: HolidayCalendar?

    public init(hours: WorkingHours, holidays: HolidayCalendar? = nil) {
        self.hours = hours
        self.holidays = holidays
    }

    /// Open every minute of every day, holidays too: for promises in clock time.
    public static let always = WorkingCalendar(hours: .always)

    /// The time zone the hours and the dates are read in.
    public var timeZone: TimeZone { hours.timeZone }

    /// The periods the team works on `day`: none on a holiday, a normal weekday's on a make-up workday,
    /// else the weekday's own.
    public func periods(on day: CalendarDay) -> [DailyPeriod] {
        switch holidays?.specialDay(day) {
        case .holiday: []
        case .makeUpWorkday: makeUpDayPeriods ?? hours.weekly[day.weekday] ?? []
        case nil: hours.weekly[day.weekday] ?? []
        }
    }

    /// What the holiday calendar says of `day` (nil: an ordinary day, or no calendar).
    public func specialDay(_ day: CalendarDay) -> SpecialDay? {
        holidays?.specialDay(day)
    }

    /// Whether the team works at `date`.
    public func isWorking(at date: Date) -> Bool {
        workingStart(atOrAfter: date) == date
    }

    /// `date` itself when the team works then, else the start of its next working period; nil when
    /// the calendar has no working period within a year.
    public func workingStart(atOrAfter date: Date) -> Date? {
        workingPeriods(from: date).first { _ in true }?.start
    }

    /// The start of the next working stretch that begins strictly after `date`: when the team works at
    /// `date`, the start after the current stretch ends (a 下班 lasts until then); else the next opening.
    ///
    /// Periods that meet (a night shift's 24:00 and the next day's 00:00) are one stretch, so they do
    /// not count as a start. Nil when there is none within about a year (always open, or never open).
    public func nextWorkingStart(after date: Date) -> Date? {
        let horizon = date.addingTimeInterval(400 * 86_400)
        var previousEnd: Date?
        for period in workingPeriods(from: date) {
            if period.start > horizon { return nil }
            if period.start > date, period.start != previousEnd { return period.start }
            previousEnd = period.end
        }
        return nil
    }

    /// When the working stretch the team is in at `date` ends (touching periods are one stretch); nil
    /// when the team does not work at `date`, or works on for more than about a year.
    public func stretchEnd(at date: Date) -> Date? {
        let horizon = date.addingTimeInterval(400 * 86_400)
        var end: Date?
        for period in workingPeriods(from: date) {
            if let current = end {
                guard period.start == current else { return current }
            } else if period.start != date {
                return nil
            }
            if period.end > horizon { return nil }
            end = period.end
        }
        return end
    }

    /// The years between `start` and `end` (in the team's time zone, both included) whose holiday dates
    /// are not published: working time counted across them followed the weekly hours alone, so a due
    /// time that crosses them is provisional. Empty without a holiday calendar.
    public func unpublishedYears(from start: Date, to end: Date) -> [Int] {
        guard let holidays, end >= start else { return [] }
        let first = CalendarDay(start, in: gregorian).year
        let last = CalendarDay(end, in: gregorian).year
        return (first...last).filter { !holidays.isPublished(year: $0) }
    }

    /// The years whose dates the calendar should have at `now` and lacks: this year, and from 1 December
    /// (in the team's time zone) next year too, when the State Council's notice is normally out. Empty
    /// without a holiday calendar.
    public func missingHolidayYears(at now: Date) -> [Int] {
        guard let holidays else { return [] }
        let today = CalendarDay(now, in: gregorian)
        let wanted = today.month == 12 ? [today.year, today.year + 1] : [today.year]
        return wanted.filter { !holidays.isPublished(year: $0) }
    }

    /// A make-up workday works the team's Monday-to-Friday hours (Monday's, or the first weekday's that
    /// has any), not the weekday it falls on: legally it is an ordinary workday standing in for one of
    /// the holiday's weekdays, and a team's Saturday hours (for stores open at weekends) are a weekend
    /// arrangement, not a workday. Nil for a team that works no weekday; its own hours then apply.
    private var makeUpDayPeriods: [DailyPeriod]? {
        Weekday.workdays.lazy.compactMap { hours.weekly[$0] }.first { !$0.isEmpty }
    }

    /// A Gregorian calendar in the team's time zone.
    var gregorian: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The working stretches at or after `date`, in order, as absolute times: the first is cut to start
    /// at `date` when `date` falls inside it. Stops (ends the sequence) after a year without any period,
    /// so that a calendar that never opens cannot loop; never stops for one that keeps opening.
    func workingPeriods(from date: Date) -> some Sequence<DateInterval> {
        let calendar = gregorian
        var day = calendar.startOfDay(for: date)
        var pending: [DateInterval] = []
        var closedDays = 0
        let hasPeriods = hours.hasOpenPeriods
        return AnyIterator<DateInterval> {
            while pending.isEmpty {
                guard hasPeriods, closedDays <= 366 else { return nil }
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

    /// The working periods of the calendar day that starts at `day`, as absolute times.
    private func periods(onDayStarting day: Date, nextDay: Date, calendar: Calendar) -> [DateInterval] {
        periods(on: CalendarDay(day, in: calendar)).compactMap { period in
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
