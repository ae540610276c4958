import Escalation
import Foundation

/// The State Council's 2026 dates (国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025), 2027 not
/// published yet, and wall-clock times in Shanghai: the facts the working-calendar tests count on.
enum China2026 {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static func day(_ month: Int, _ day: Int, year: Int = 2026) -> CalendarDay {
        CalendarDay(year: year, month: month, day: day)!
    }

    static let holidays = HolidayCalendar(
        name: "holidays.yaml",
        years: [
            2026: [
                .init(name: "元旦", from: day(1, 1), through: day(1, 3), workdays: [day(1, 4)]),
                .init(name: "春节", from: day(2, 15), through: day(2, 23), workdays: [day(2, 14), day(2, 28)]),
                .init(name: "清明节", from: day(4, 4), through: day(4, 6)),
                .init(name: "劳动节", from: day(5, 1), through: day(5, 5), workdays: [day(5, 9)]),
                .init(name: "端午节", from: day(6, 19), through: day(6, 21)),
                .init(name: "中秋节", from: day(9, 25), through: day(9, 27)),
                .init(name: "国庆节", from: day(10, 1), through: day(10, 7), workdays: [day(9, 20), day(10, 10)]),
            ],
            2027: [],
        ])

    /// HQ's office hours, Monday to Friday 09:00–18:00 in `zone`, on the 2026 calendar.
    static func office(in zone: TimeZone = shanghai) -> WorkingCalendar {
        WorkingCalendar(hours: .officeHours(in: zone), holidays: holidays)
    }

    /// A regional team's hours (as south-ops in the shipped file): weekdays 09:00–18:00 and Saturday
    /// 10:00–12:00 and 13:00–17:00, on the 2026 calendar.
    static let regional = WorkingCalendar(
        hours: WorkingHours(
            timeZone: shanghai,
            weekly: [
                .mon: [.officeHours], .tue: [.officeHours], .wed: [.officeHours], .thu: [.officeHours],
                .fri: [.officeHours], .sat: [DailyPeriod(parsing: "10:00-12:00")!, DailyPeriod(parsing: "13:00-17:00")!],
            ]),
        holidays: holidays)

    /// A wall-clock time in `zone` (Shanghai unless said).
    static func at(
        _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, year: Int = 2026, in zone: TimeZone = shanghai
    ) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    static let hour: TimeInterval = 3600
}
