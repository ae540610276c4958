import Categories
import Foundation
import Testing

@testable import Escalation

/// Properties of the business-time arithmetic over many generated moments, durations and pauses (a
/// seeded generator, so that a failure repeats): adding and measuring are inverse, adding is monotone
/// and lands inside working time.
@Suite("Working calendar properties")
struct WorkingCalendarPropertyTests {
    typealias C = China2026

    /// The calendars tried: office hours and a regional team's split Saturday in Shanghai, office hours
    /// in New York (daylight saving), and a night shift that crosses midnight.
    static let calendars: [(String, WorkingCalendar)] = [
        ("office", C.office()),
        ("regional", C.regional),
        ("new-york", C.office(in: TimeZone(identifier: "America/New_York")!)),
        (
            "nights",
            WorkingCalendar(
                hours: WorkingHours(
                    timeZone: C.shanghai, days: Weekday.allCases,
                    periods: [DailyPeriod(parsing: "00:00-06:00")!, DailyPeriod(parsing: "22:00-24:00")!]),
                holidays: C.holidays)
        ),
    ]

    @Test("workingTime(from: t, to: adding(d, to: t)) == d, with and without pauses", arguments: calendars.map(\.0))
    func inverse(name: String) throws {
        let calendar = try #require(Self.calendars.first { $0.0 == name }?.1)
        var random = SplitMix64(seed: 2026)
        for _ in 0..<150 {
            let start = random.moment()
            let duration = TimeInterval(random.next(upTo: 5 * 8 * 60) * 60)
            let due = try #require(calendar.adding(duration, to: start))
            #expect(due >= start)
            #expect(abs(calendar.workingTime(from: start, to: due) - duration) < 0.001, "\(start) + \(duration)")
            if duration > 0 {
                #expect(calendar.isWorking(at: due.addingTimeInterval(-1)), "\(start) + \(duration) = \(due)")
            }
            let pauses = (0..<Int(random.next(upTo: 3))).map { _ in
                let from = start.addingTimeInterval(TimeInterval(random.next(upTo: 10 * 24 * 60) * 60))
                return DateInterval(start: from, duration: TimeInterval(random.next(upTo: 3 * 24 * 60) * 60))
            }
            let paused = try #require(calendar.adding(duration, to: start, pausedDuring: pauses))
            #expect(paused >= due)
            #expect(abs(calendar.workingTime(from: start, to: paused, pausedDuring: pauses) - duration) < 0.001)
        }
    }

    @Test("Adding more working time never gives an earlier moment, and adds up", arguments: calendars.map(\.0))
    func monotoneAndAdditive(name: String) throws {
        let calendar = try #require(Self.calendars.first { $0.0 == name }?.1)
        var random = SplitMix64(seed: 8)
        for _ in 0..<150 {
            let start = random.moment()
            let first = TimeInterval(random.next(upTo: 3 * 8 * 60) * 60)
            let second = TimeInterval((random.next(upTo: 3 * 8 * 60) + 1) * 60)
            let once = try #require(calendar.adding(first + second, to: start))
            let middle = try #require(calendar.adding(first, to: start))
            #expect(middle <= once)
            #expect(calendar.adding(second, to: middle) == once, "\(start) + \(first) + \(second)")
        }
    }
}

extension SplitMix64 {
    /// A number in `0..<bound`.
    fileprivate mutating func next(upTo bound: UInt64) -> UInt64 { next() % bound }

    /// A whole minute in 2026 (Shanghai): the year whose calendar the tests know.
    fileprivate mutating func moment() -> Date {
        Date(timeIntervalSince1970: 1_767_196_800 + TimeInterval(next(upTo: 365 * 24 * 60) * 60))
    }
}
