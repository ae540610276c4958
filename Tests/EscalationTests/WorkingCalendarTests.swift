import Foundation
import Testing

@testable import Escalation

/// Business-time arithmetic on China's working calendar: weekly hours, public holidays and 调休 make-up
/// workdays, with the State Council's real 2026 dates.
@Suite("Working calendar")
struct WorkingCalendarTests {
    typealias C = China2026
    let office = C.office()
    let hour = C.hour

    @Test("A holiday is closed whatever the weekday; a make-up workday works, even on a Sunday")
    func holidaysAndMakeUpDays() {
        #expect(!office.isWorking(at: C.at(1, 2, 10)))  // Friday 2 January: 元旦
        #expect(office.isWorking(at: C.at(10, 8, 10, year: 2025)))  // 2025's dates are not in this calendar
        #expect(office.isWorking(at: C.at(1, 4, 10)))  // Sunday 4 January: 元旦's make-up workday
        #expect(office.isWorking(at: C.at(9, 20, 10)))  // Sunday 20 September: 国庆节's make-up workday
        #expect(!office.isWorking(at: C.at(9, 13, 10)))  // an ordinary Sunday
        #expect(office.isWorking(at: C.at(10, 10, 9)))  // Saturday 10 October
        #expect(!office.isWorking(at: C.at(10, 10, 18)))  // … until 18:00, a weekday's hours
        #expect(office.specialDay(C.day(2, 14)) == .makeUpWorkday("春节"))
        #expect(office.specialDay(C.day(10, 5)) == .holiday("国庆节"))
        #expect(office.specialDay(C.day(3, 10)) == nil)
        // Without a holiday calendar, the weekly hours alone.
        #expect(WorkingCalendar(hours: .officeHours(in: C.shanghai)).isWorking(at: C.at(1, 2, 10)))
    }

    @Test("2 working hours from Friday 2026-02-13 17:30 is Saturday 10:30, a make-up workday")
    func fridayBeforeTheSpringFestival() {
        let friday = C.at(2, 13, 17, 30)
        #expect(office.adding(2 * hour, to: friday) == C.at(2, 14, 10, 30))
        // A team with Saturday hours works a weekday's on a make-up Saturday: 09:00, not 10:00.
        #expect(C.regional.adding(2 * hour, to: friday) == C.at(2, 14, 10, 30))
        #expect(C.regional.periods(on: C.day(2, 14)) == [.officeHours])
        // From Saturday evening the Spring Festival's nine days off follow: Tuesday the 24th.
        #expect(office.adding(hour, to: C.at(2, 14, 18)) == C.at(2, 24, 10))
        #expect(office.workingTime(from: C.at(2, 14, 18), to: C.at(2, 24, 9)) == 0)
    }

    @Test("2 working hours from Thursday 2026-09-24 17:00, before 中秋, is Monday 28 September 10:00")
    func midAutumn() {
        #expect(office.adding(2 * hour, to: C.at(9, 24, 17)) == C.at(9, 28, 10))
        #expect(office.workingStart(atOrAfter: C.at(9, 24, 18)) == C.at(9, 28, 9))
    }

    @Test("A week-long holiday: National Day closes 1 to 7 October, and the make-up Saturday after it works")
    func nationalDay() {
        #expect(office.adding(2 * hour, to: C.at(9, 30, 17)) == C.at(10, 8, 10))
        #expect(office.workingTime(from: C.at(9, 30, 18), to: C.at(10, 8, 9)) == 0)
        // Thursday 8 and Friday 9 October, then Saturday 10 October (调休) before the Sunday.
        #expect(office.adding(20 * hour, to: C.at(10, 8, 9)) == C.at(10, 10, 11))
        // The regional team's Saturday hours do not open on a holiday Saturday either.
        #expect(C.regional.periods(on: C.day(10, 3)).isEmpty)
    }

    @Test("From the last day of 2025 across 元旦 to the make-up Sunday, 4 January")
    func newYear() {
        #expect(office.adding(2 * hour, to: C.at(12, 31, 17, year: 2025)) == C.at(1, 4, 10))
        #expect(office.workingTime(from: C.at(12, 31, 17, year: 2025), to: C.at(1, 4, 10)) == 2 * hour)
    }

    @Test("A year not published yet follows the weekly hours, and says so")
    func unpublishedYear() {
        // 1 January 2027 is a Friday: surely a holiday, but not known yet.
        #expect(office.isWorking(at: C.at(1, 1, 10, year: 2027)))
        #expect(office.adding(2 * hour, to: C.at(12, 31, 17)) == C.at(1, 1, 10, year: 2027))
        #expect(office.unpublishedYears(from: C.at(12, 31, 17), to: C.at(1, 1, 10, year: 2027)) == [2027])
        #expect(office.unpublishedYears(from: C.at(3, 1, 9), to: C.at(12, 31, 10)).isEmpty)
        #expect(office.unpublishedYears(from: C.at(3, 1, 9, year: 2025), to: C.at(3, 1, 9)) == [2025])
        // Without a calendar there is nothing to publish.
        #expect(
            WorkingCalendar(hours: .officeHours()).unpublishedYears(from: C.at(1, 1, 0), to: C.at(1, 1, 0, year: 2030)).isEmpty)
        #expect(C.holidays.isPublished(year: 2026))
        #expect(!C.holidays.isPublished(year: 2027))  // listed, empty
        #expect(!C.holidays.isPublished(year: 2028))  // absent
        #expect(C.holidays.publishedYears == [2026])
    }

    @Test("From 1 December in the team's time zone, next year's missing dates are reported")
    func missingNextYear() {
        #expect(office.missingHolidayYears(at: C.at(11, 30, 23, 59)).isEmpty)
        #expect(office.missingHolidayYears(at: C.at(12, 1, 0)) == [2027])
        // In January 2027 the year itself is missing.
        #expect(office.missingHolidayYears(at: C.at(1, 5, 9, year: 2027)) == [2027])
        // 00:30 on 1 December in Shanghai is still 30 November in New York.
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(C.office(in: newYork).missingHolidayYears(at: C.at(12, 1, 0, 30)).isEmpty)
        #expect(WorkingCalendar(hours: .officeHours()).missingHolidayYears(at: C.at(12, 1, 9)).isEmpty)
    }

    @Test("The teams whose calendars lack next year's dates, with their leads; a team without holidays is not one")
    func holidayGaps() {
        let hours = WorkingHours.officeHours(in: C.shanghai)
        let settings = EscalationSettings(
            routing: RoutingTable(
                teams: [
                    Team(id: "south-ops", name: "华南区营运支持", lead: "hq_cai", hours: hours, holidays: C.holidays),
                    Team(id: "night", name: "夜班", lead: "hq_bob", hours: .always, holidays: nil),
                    Team(
                        id: "hq-service", name: "总部客服中心", members: ["hq_amy"], hours: hours,
                        holidays: .unpublished(name: "holidays.yaml")),
                ], defaultTeam: "hq-service"))
        #expect(
            settings.holidayGaps(at: C.at(11, 15, 9)) == [
                HolidayGap(team: "hq-service", lead: nil, calendar: "holidays.yaml", years: [2026])
            ])
        #expect(
            settings.holidayGaps(at: C.at(12, 1, 9)) == [
                HolidayGap(team: "south-ops", lead: "hq_cai", calendar: "holidays.yaml", years: [2027]),
                HolidayGap(team: "hq-service", lead: nil, calendar: "holidays.yaml", years: [2026, 2027]),
            ])
        #expect(settings.calendar(for: "south-ops") == C.office())
        #expect(settings.calendar(for: "nobody") == nil)
    }

    @Test("Several periods a day: the lunch break does not count, and the next start is after it")
    func severalPeriods() {
        let saturday = C.at(3, 7, 11, 30)  // an ordinary Saturday
        #expect(C.regional.adding(hour, to: saturday) == C.at(3, 7, 13, 30))
        #expect(C.regional.workingTime(from: C.at(3, 7, 9), to: C.at(3, 7, 18)) == 6 * hour)
        #expect(!C.regional.isWorking(at: C.at(3, 7, 12, 30)))
        #expect(C.regional.workingStart(atOrAfter: C.at(3, 7, 12, 30)) == C.at(3, 7, 13))
        #expect(C.regional.nextWorkingStart(after: C.at(3, 7, 11)) == C.at(3, 7, 13))
        // After Saturday's last period: Monday.
        #expect(C.regional.nextWorkingStart(after: C.at(3, 7, 16)) == C.at(3, 9, 9))
    }

    @Test("The next working start is strictly after the moment, and periods that meet at midnight are one")
    func nextWorkingStart() {
        #expect(office.nextWorkingStart(after: C.at(3, 10, 10)) == C.at(3, 11, 9))
        #expect(office.nextWorkingStart(after: C.at(3, 10, 9)) == C.at(3, 11, 9))
        #expect(office.nextWorkingStart(after: C.at(3, 10, 8)) == C.at(3, 10, 9))
        #expect(office.workingStart(atOrAfter: C.at(3, 10, 10)) == C.at(3, 10, 10))
        // A night shift, 22:00–24:00 and 00:00–06:00: from 23:00 the next start is 22:00 the next day.
        let nights = WorkingCalendar(
            hours: WorkingHours(
                timeZone: C.shanghai, days: Weekday.allCases,
                periods: [DailyPeriod(parsing: "00:00-06:00")!, DailyPeriod(parsing: "22:00-24:00")!]))
        #expect(nights.nextWorkingStart(after: C.at(3, 10, 23)) == C.at(3, 11, 22))
        #expect(nights.adding(3 * hour, to: C.at(3, 10, 23)) == C.at(3, 11, 2))
        // Always open: there is no next start.
        #expect(WorkingCalendar.always.nextWorkingStart(after: C.at(3, 10, 23)) == nil)
        // Never open: nothing at all.
        let never = WorkingCalendar(hours: WorkingHours(timeZone: C.shanghai, weekly: [:]))
        #expect(never.workingStart(atOrAfter: C.at(3, 10, 9)) == nil)
        #expect(never.adding(hour, to: C.at(3, 10, 9)) == nil)
        #expect(never.workingTime(from: C.at(3, 10, 9), to: C.at(3, 20, 9)) == 0)
    }

    @Test("Pauses do not count, wherever they fall")
    func pauses() {
        let monday = C.at(3, 9, 10)
        let pause = DateInterval(start: C.at(3, 9, 10, 30), end: C.at(3, 9, 11, 30))
        #expect(office.adding(2 * hour, to: monday, pausedDuring: [pause]) == C.at(3, 9, 13))
        // A pause over the evening takes only its working hours: 17:00–18:00 and 09:00–10:00.
        let overnight = DateInterval(start: C.at(3, 9, 17), end: C.at(3, 10, 10))
        #expect(office.adding(8 * hour, to: monday, pausedDuring: [overnight]) == C.at(3, 10, 11))
        #expect(office.workingTime(from: monday, to: C.at(3, 10, 11), pausedDuring: [overnight]) == 8 * hour)
        // Overlapping and unordered pauses count once.
        let overlapping = [DateInterval(start: C.at(3, 9, 11), end: C.at(3, 9, 12)), pause]
        #expect(office.adding(2 * hour, to: monday, pausedDuring: overlapping) == C.at(3, 9, 13, 30))
        // A pause that began before the ticket only counts from the ticket on.
        let earlier = DateInterval(start: C.at(3, 9, 8), end: C.at(3, 9, 11))
        #expect(office.adding(hour, to: monday, pausedDuring: [earlier]) == C.at(3, 9, 12))
        // A wait still under way holds the due time back.
        let waiting = DateInterval(start: C.at(3, 9, 11), end: .distantFuture)
        #expect(office.adding(2 * hour, to: monday, pausedDuring: [waiting]) == nil)
        #expect(office.adding(hour, to: monday, pausedDuring: [waiting]) == C.at(3, 9, 11))
        #expect(office.workingTime(from: monday, to: C.at(3, 12, 10), pausedDuring: [waiting]) == hour)
        // Clock time too.
        #expect(WorkingCalendar.addingClockTime(600, to: monday, pausedDuring: [pause]) == C.at(3, 9, 10, 10))
        #expect(WorkingCalendar.addingClockTime(3600, to: monday, pausedDuring: [pause]) == C.at(3, 9, 12))
        #expect(WorkingCalendar.clockTime(from: monday, to: C.at(3, 9, 12), pausedDuring: [pause]) == hour)
        #expect(WorkingCalendar.addingClockTime(3600, to: monday, pausedDuring: [waiting]) == C.at(3, 9, 11))
        #expect(WorkingCalendar.addingClockTime(7200, to: monday, pausedDuring: [waiting]) == nil)
    }

    @Test("Another time zone: the dates are read where the team works, across a daylight-saving change")
    func otherTimeZone() {
        let newYork = TimeZone(identifier: "America/New_York")!
        let office = C.office(in: newYork)
        // National Day is closed from midnight to midnight in New York.
        #expect(!office.isWorking(at: C.at(10, 1, 10, in: newYork)))
        #expect(office.isWorking(at: C.at(10, 8, 10, in: newYork)))
        // Clocks went forward on Sunday 8 March 2026: Friday 17:30 + 2 h is still Monday 10:30 there.
        #expect(office.adding(2 * hour, to: C.at(3, 6, 17, 30, in: newYork)) == C.at(3, 9, 10, 30, in: newYork))
        // Always open there, the short Sunday has 23 hours.
        let allDay = WorkingCalendar(
            hours: WorkingHours(timeZone: newYork, days: Weekday.allCases, periods: [.wholeDay]))
        #expect(allDay.workingTime(from: C.at(3, 8, 0, in: newYork), to: C.at(3, 9, 0, in: newYork)) == 23 * hour)
        #expect(allDay.adding(24 * hour, to: C.at(3, 7, 12, in: newYork)) == C.at(3, 8, 13, in: newYork))
        // Shanghai has no daylight saving: the same day is 24 hours.
        let shanghaiAllDay = WorkingCalendar(hours: .always)
        #expect(shanghaiAllDay.workingTime(from: C.at(3, 8, 0), to: C.at(3, 9, 0)) == 24 * hour)
    }

    @Test("Days are dates: parsing, weekdays and ranges")
    func calendarDays() {
        #expect(CalendarDay(parsing: "2026-10-01") == C.day(10, 1))
        #expect(CalendarDay(parsing: "2026-1-4") == C.day(1, 4))
        #expect(CalendarDay(parsing: "2026-02-29") == nil)
        #expect(CalendarDay(parsing: "2028-02-29") != nil)
        #expect(CalendarDay(parsing: "2026/10/01") == nil)
        #expect(CalendarDay(parsing: "26-10-01") == nil)
        #expect(C.day(10, 1).description == "2026-10-01")
        #expect(C.day(12, 31).next == C.day(1, 1, year: 2027))
        #expect(C.day(2, 15).through(C.day(2, 23)).count == 9)
        #expect(C.day(2, 15).through(C.day(2, 14)).isEmpty)
        // The weekday worked out from the date agrees with Foundation's every day for three years.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = C.shanghai
        var day = C.day(1, 1, year: 2025)
        while day.year < 2028 {
            let date = C.at(day.month, day.day, 12, year: day.year)
            #expect(day.weekday == Weekday(calendarWeekday: calendar.component(.weekday, from: date)))
            #expect(CalendarDay(date, in: calendar) == day)
            day = day.next
        }
        #expect(C.day(9, 20).weekday == .sun)
        #expect(C.day(2, 14).isWeekend)
    }
}
