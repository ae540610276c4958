import Foundation

/// A date on the wall calendar, without a time or a time zone: 2026-10-01. Holidays are such dates, and
/// each team reads them in its own time zone (1 October starts at midnight where the team works).
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1 is January.
    public let month: Int
    /// 1 is the first of the month.
    public let day: Int

    /// The date, or nil when there is no such day in the Gregorian calendar (2026-02-29, 2026-13-01).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.length(ofMonth: month, in: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date written as the State Council's notices are transcribed: "2026-10-01" (also "2026-1-4");
    /// nil for anything else.
    public init?(parsing text: some StringProtocol) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day `date` falls on in `calendar`'s time zone.
    public init(_ date: Date, in calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        // Calendar always gives these three for a Gregorian calendar; the fallback is never taken.
        self =
            CalendarDay(year: parts.year ?? 2001, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? CalendarDay(year: 2001, month: 1, day: 1)!
    }

    /// The day of the week, worked out from the date alone (Sakamoto's method), so that no time zone
    /// can shift it.
    public var weekday: Weekday {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        let sundayBased = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
        return Weekday(calendarWeekday: sundayBased + 1)
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekday == .sat || weekday == .sun }

    /// The day after.
    public var next: CalendarDay {
        if day < Self.length(ofMonth: month, in: year) { return CalendarDay(year: year, month: month, day: day + 1)! }
        if month < 12 { return CalendarDay(year: year, month: month + 1, day: 1)! }
        return CalendarDay(year: year + 1, month: 1, day: 1) ?? self
    }

    /// The days from `self` to `last`, both included; empty when `last` is earlier.
    public func through(_ last: CalendarDay) -> [CalendarDay] {
        var days: [CalendarDay] = []
        var day = self
        while day <= last {
            days.append(day)
            let next = day.next
            if next == day { break }
            day = next
        }
        return days
    }

    /// "2026-10-01".
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
