import Foundation
import Testing

@testable import Escalation

/// Business-time arithmetic over a weekly schedule, in China Standard Time.
@Suite("Working hours")
struct WorkingHoursTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// Monday to Friday 09:00–18:00.
    let office = WorkingHours.officeHours(in: zone)

    /// A wall-clock time in Shanghai. 15 March 2024 is a Friday.
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 3) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour, minute: minute))!
    }

    @Test("Open inside a period, closed outside it, at its end and at the weekend")
    func openAndClosed() {
        #expect(office.isOpen(at: Self.at(15, 9)))
        #expect(office.isOpen(at: Self.at(15, 17, 59)))
        #expect(!office.isOpen(at: Self.at(15, 18)))
        #expect(!office.isOpen(at: Self.at(15, 8, 59)))
        #expect(!office.isOpen(at: Self.at(16, 12)))  // Saturday
        #expect(!office.isOpen(at: Self.at(17, 12)))  // Sunday
        // 09:00 Shanghai is 01:00 UTC: a UTC calendar would say closed.
        #expect(office.isOpen(at: Date(timeIntervalSince1970: 1_710_464_400)))  // 2024-03-15 01:00 UTC
    }

    @Test("The next opening is the moment itself when open, else the next period's start, across a weekend")
    func nextOpening() {
        #expect(office.nextOpening(atOrAfter: Self.at(15, 10)) == Self.at(15, 10))
        #expect(office.nextOpening(atOrAfter: Self.at(15, 18)) == Self.at(18, 9))
        #expect(office.nextOpening(atOrAfter: Self.at(16, 11)) == Self.at(18, 9))
        #expect(office.nextOpening(atOrAfter: Self.at(18, 7)) == Self.at(18, 9))
        #expect(WorkingHours(timeZone: Self.zone, weekly: [:]).nextOpening(atOrAfter: Self.at(15, 10)) == nil)
    }

    @Test("2 working hours from Friday 17:30 is Monday 10:30")
    func addingAcrossTheWeekend() {
        #expect(office.adding(2 * 3600, to: Self.at(15, 17, 30)) == Self.at(18, 10, 30))
        #expect(office.adding(30 * 60, to: Self.at(15, 17, 30)) == Self.at(15, 18))
        #expect(office.adding(3600, to: Self.at(16, 20)) == Self.at(18, 10))  // from the weekend
        #expect(office.adding(5 * 9 * 3600, to: Self.at(18, 9)) == Self.at(22, 18))  // a whole week
        #expect(office.adding(0, to: Self.at(15, 19)) == Self.at(18, 9))
        #expect(WorkingHours(timeZone: Self.zone, weekly: [.mon: []]).adding(60, to: Self.at(15, 10)) == nil)
    }

    @Test("Several periods a day: the lunch break does not count")
    func severalPeriods() {
        let split = WorkingHours(
            timeZone: Self.zone,
            weekly: [
                .sat: [DailyPeriod(parsing: "13:00-16:00")!, DailyPeriod(parsing: "10:00-12:00")!]
            ])
        #expect(split.weekly[.sat]?.first?.start == 600)  // kept in order
        #expect(split.isOpen(at: Self.at(16, 11)))
        #expect(!split.isOpen(at: Self.at(16, 12, 30)))
        #expect(split.nextOpening(atOrAfter: Self.at(16, 12, 30)) == Self.at(16, 13))
        #expect(split.adding(3600, to: Self.at(16, 11, 30)) == Self.at(16, 13, 30))
        // After Saturday's last period the next is a week later.
        #expect(split.nextOpening(atOrAfter: Self.at(16, 16)) == Self.at(23, 10))
    }

    @Test("Always open: working time is clock time, also across midnight")
    func always() {
        let start = Self.at(15, 23, 30)
        #expect(WorkingHours.always.isOpen(at: start))
        #expect(WorkingHours.always.nextOpening(atOrAfter: start) == start)
        #expect(WorkingHours.always.adding(3 * 3600, to: start) == start.addingTimeInterval(3 * 3600))
        #expect(WorkingHours.always.adding(8 * 24 * 3600, to: start) == start.addingTimeInterval(8 * 24 * 3600))
    }

    @Test("Periods are parsed as people write them; times past 24:00 and backwards periods are not periods")
    func parsing() {
        #expect(DailyPeriod(parsing: "09:00-18:00") == DailyPeriod(start: 540, end: 1080))
        #expect(DailyPeriod(parsing: "9:00 – 18:30") == DailyPeriod(start: 540, end: 1110))
        #expect(DailyPeriod(parsing: "00:00-24:00") == .wholeDay)
        #expect(DailyPeriod(parsing: "9:00-25:00") == nil)
        #expect(DailyPeriod(parsing: "22:00-02:00") == nil)
        #expect(DailyPeriod(parsing: "18:00-18:00") == nil)
        #expect(DailyPeriod(parsing: "9点-18点") == nil)
        #expect(DailyPeriod.officeHours.description == "09:00-18:00")
    }

    @Test("A promise falls due in clock or working time and reads as people say it")
    func responseTargets() {
        let friday = Self.at(15, 17, 30)
        #expect(ResponseTarget.minutes(10).due(from: friday, hours: office) == friday.addingTimeInterval(600))
        #expect(ResponseTarget.hours(2).due(from: friday, hours: office) == Self.at(18, 10, 30))
        let workingDay = ResponseTarget(duration: ResponseTarget.workingDay, working: true)
        #expect(workingDay.due(from: friday, hours: office) == Self.at(18, 16, 30))
        #expect(ResponseTarget.minutes(10).phrase == "10 分钟")
        #expect(ResponseTarget.minutes(30, working: true).phrase == "30 分钟")
        #expect(ResponseTarget.hours(2).phrase == "2 个工作小时")
        #expect(workingDay.phrase == "1 个工作日")
        #expect(ResponseTarget.hours(2, working: false).phrase == "2 小时")
        #expect(ResponseTarget.hours(24, working: false).phrase == "1 天")
        #expect(ResponseTarget.minutes(90, working: true).phrase == "90 分钟")
    }
}
