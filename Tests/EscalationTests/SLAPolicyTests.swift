import Foundation
import Testing

@testable import Escalation

/// First-response and resolution targets and their due times on real 2026 dates.
@Suite("SLA policy")
struct SLAPolicyTests {
    typealias C = China2026
    let office = C.office()
    let policy = SLAPolicy.standard

    @Test("The standard targets are the issue's: urgent in clock time, the rest in working time")
    func standardTargets() {
        let minutes = { (kind: SLAKind, priority: TicketPriority) in
            let target = policy.target(kind, for: priority)
            return "\(Int(target.duration / 60))\(target.working ? " working" : "")"
        }
        #expect(minutes(.firstResponse, .urgent) == "10")
        #expect(minutes(.firstResponse, .high) == "30 working")
        #expect(minutes(.firstResponse, .normal) == "120 working")
        #expect(minutes(.firstResponse, .low) == "480 working")
        #expect(minutes(.resolution, .urgent) == "240")
        #expect(minutes(.resolution, .high) == "480 working")
        #expect(minutes(.resolution, .normal) == "960 working")
        #expect(minutes(.resolution, .low) == "2400 working")
        #expect(policy.target(.resolution, for: .normal).phrase == "2 个工作日")
        // A priority left out of a policy keeps its standard target.
        let partial = SLAPolicy(firstResponse: [.urgent: .minutes(5)], resolution: [:])
        #expect(partial.target(.firstResponse, for: .urgent).duration == 300)
        #expect(partial.target(.firstResponse, for: .low) == policy.target(.firstResponse, for: .low))
        #expect(partial.target(.resolution, for: .high) == policy.target(.resolution, for: .high))
    }

    @Test("A normal ticket opened Friday 2026-02-13 17:30 is due Saturday 10:30 (调休) and resolved by Tuesday 24th")
    func normalBeforeTheSpringFestival() {
        let due = policy.dueTimes(createdAt: C.at(2, 13, 17, 30), priority: .normal, calendar: office)
        #expect(due.firstResponse == C.at(2, 14, 10, 30))
        // 96 working minutes: 30 on Friday, 66 on Saturday.
        #expect(due.firstResponseWarning == C.at(2, 14, 10, 6))
        // 16 working hours: 0.5 on Friday, 9 on the make-up Saturday, nine days off, 6.5 on Tuesday.
        #expect(due.resolution == C.at(2, 24, 15, 30))
        #expect(due.resolutionWarning == C.at(2, 24, 12, 18))
        #expect(due.unpublishedYears.isEmpty)
        #expect(!due.isProvisional)
        #expect(due.due(.resolution) == due.resolution)
        #expect(due.warning(.firstResponse) == due.firstResponseWarning)
    }

    @Test("Urgent counts clock time: a ticket at 02:00 on National Day is due at 02:10 and resolved by 06:00")
    func urgentOnAHolidayNight() {
        let due = policy.dueTimes(createdAt: C.at(10, 1, 2), priority: .urgent, calendar: office)
        #expect(due.firstResponse == C.at(10, 1, 2, 10))
        #expect(due.firstResponseWarning == C.at(10, 1, 2, 8))
        #expect(due.resolution == C.at(10, 1, 6))
        #expect(due.resolutionWarning == C.at(10, 1, 5, 12))
        // Clock time reads no holidays, so an unpublished year makes nothing provisional.
        #expect(policy.dueTimes(createdAt: C.at(12, 31, 23), priority: .urgent, calendar: office).unpublishedYears.isEmpty)
    }

    @Test("High and low tickets around the Mid-Autumn Festival and National Day")
    func highAndLow() {
        let high = policy.dueTimes(createdAt: C.at(9, 24, 17), priority: .high, calendar: office)
        #expect(high.firstResponse == C.at(9, 24, 17, 30))
        #expect(high.resolution == C.at(9, 28, 16))  // 1 h on Thursday, 中秋, 7 h on Monday
        let low = policy.dueTimes(createdAt: C.at(9, 28, 10), priority: .low, calendar: office)
        #expect(low.firstResponse == C.at(9, 28, 18))  // a working day that ends where the day does
        #expect(low.resolution == C.at(10, 9, 14))  // 8 + 9 + 9 h, a week off, 9 + 5 h
    }

    @Test("Waiting on the store pushes the due times back by the working time it took")
    func pausesExtend() {
        let monday = C.at(3, 9, 10)
        let plain = policy.dueTimes(createdAt: monday, priority: .normal, calendar: office)
        #expect(plain.firstResponse == C.at(3, 9, 12))
        #expect(plain.resolution == C.at(3, 10, 17))
        let wait = DateInterval(start: C.at(3, 9, 11), end: C.at(3, 9, 15))
        let paused = policy.dueTimes(createdAt: monday, priority: .normal, calendar: office, pauses: [wait])
        #expect(paused.firstResponse == C.at(3, 9, 16))
        #expect(paused.resolution == C.at(3, 11, 12))
        // Still waiting: no due time until the associate answers; a warning before the wait stays.
        let waiting = DateInterval(start: C.at(3, 9, 11, 50), end: .distantFuture)
        let held = policy.dueTimes(createdAt: monday, priority: .normal, calendar: office, pauses: [waiting])
        #expect(held.firstResponseWarning == C.at(3, 9, 11, 36))
        #expect(held.firstResponse == nil)
        #expect(held.resolution == nil)
        #expect(held.unpublishedYears.isEmpty)
    }

    @Test("A due time that crosses an unpublished year is provisional")
    func provisional() {
        let due = policy.dueTimes(createdAt: C.at(12, 31, 17), priority: .normal, calendar: office)
        #expect(due.firstResponse == C.at(1, 1, 10, year: 2027))
        #expect(due.unpublishedYears == [2027])
        #expect(due.isProvisional)
        let unpublished = WorkingCalendar(hours: .officeHours(in: C.shanghai), holidays: .unpublished(name: "holidays.yaml"))
        #expect(policy.dueTimes(createdAt: C.at(3, 9, 10), priority: .low, calendar: unpublished).unpublishedYears == [2026])
        #expect(
            policy.dueTimes(createdAt: C.at(3, 9, 10), priority: .low, calendar: WorkingCalendar(hours: .officeHours()))
                .unpublishedYears.isEmpty)
    }

    @Test("How much of a target has gone: 0.8 at the warning, 1 at the due time, pauses not counted")
    func elapsedFraction() {
        let friday = C.at(2, 13, 17, 30)
        let due = policy.dueTimes(createdAt: friday, priority: .normal, calendar: office)
        let fraction = { (now: Date, pauses: [DateInterval]) in
            policy.elapsedFraction(
                .firstResponse, priority: .normal, createdAt: friday, at: now, calendar: office, pauses: pauses)
        }
        #expect(fraction(friday, []) == 0)
        #expect(fraction(C.at(2, 13, 12), []) == 0)
        #expect(abs(fraction(due.firstResponseWarning!, []) - 0.8) < 1e-9)
        #expect(fraction(due.firstResponse!, []) == 1)
        #expect(fraction(C.at(2, 14, 11, 30), []) == 1.5)
        // Half an hour of waiting on Saturday morning leaves a quarter of the target.
        let wait = DateInterval(start: C.at(2, 14, 9), end: C.at(2, 14, 9, 30))
        #expect(fraction(due.firstResponse!, [wait]) == 0.75)
        // What a breach records: the minutes that counted.
        let target = policy.target(.firstResponse, for: .normal)
        #expect(target.elapsed(from: friday, to: C.at(2, 14, 11, 30), calendar: office) / 60 == 180)
        #expect(policy.target(.firstResponse, for: .urgent).elapsed(from: friday, to: C.at(2, 13, 18), calendar: office) == 1800)
    }

    @Test("The settings carry the targets: first response in the routing table, resolution beside it")
    func settings() {
        var settings = EscalationSettings.standard
        #expect(settings.sla == .standard)
        settings.sla = SLAPolicy(firstResponse: [.urgent: .minutes(5)], resolution: [.urgent: .hours(2, working: false)])
        #expect(settings.routing.firstResponse(for: .urgent).duration == 300)
        #expect(settings.resolution[.urgent] == .hours(2, working: false))
        #expect(settings.sla.target(.resolution, for: .urgent).duration == 7200)
        // The promise the ticket desk already makes agrees with the calendar's arithmetic without holidays.
        let hours = WorkingHours.officeHours(in: C.shanghai)
        let target = ResponseTarget.hours(2)
        #expect(target.due(from: C.at(2, 13, 17, 30), hours: hours) == C.at(2, 16, 10, 30))
        #expect(target.due(from: C.at(2, 13, 17, 30), calendar: WorkingCalendar(hours: hours)) == C.at(2, 16, 10, 30))
    }
}
