import Escalation
import Foundation
import GRDB
import Logging
import Testing

@testable import BotServer

/// Leads hear once, from 1 December, that next year's public holidays are missing from their team's calendar.
@Suite("Missing holiday dates reach the lead")
struct HolidayReminderTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// Thursday 2026-12-03 12:00 in Shanghai.
    static let december = Date(timeIntervalSince1970: 1_796_270_400)

    static var settings: EscalationSettings {
        let holidays = HolidayCalendar(
            name: "holidays.yaml",
            years: [
                2026: [
                    .init(
                        name: "国庆节", from: CalendarDay(year: 2026, month: 10, day: 1)!,
                        through: CalendarDay(year: 2026, month: 10, day: 7)!)
                ], 2027: [],
            ])
        let south = Team(
            id: "south-ops", name: "华南区营运支持", members: ["hq_amy"], lead: "hq_cai", hours: .officeHours(in: shanghai),
            holidays: holidays)
        let none = Team(id: "night", name: "夜班", members: ["hq_bob"], lead: "hq_bob", hours: .officeHours(in: shanghai))
        var settings = EscalationSettings.standard
        settings.routing = RoutingTable(teams: [south, none], defaultTeam: "south-ops")
        return settings
    }

    @Test("From 1 December the lead is told once that next year's dates are missing; a team without a calendar never")
    func remindOnce() async throws {
        let database = try AppDatabase(writer: DatabaseQueue())
        let clock = ManualWallClock(Self.december.addingTimeInterval(-14 * 86400))
        let reminder = HolidayReminder(
            database: database.writer, outbox: DatabaseOutboxStore(writer: database.writer), settings: Self.settings,
            signal: WorkSignal(), clock: clock, logger: Logger(label: "test"))
        #expect(try await reminder.remind(at: clock.now()) == 0)  // 19 November: nothing missing yet
        #expect(try await reminder.remind(at: Self.december) == 1)
        #expect(try await reminder.remind(at: Self.december.addingTimeInterval(86400)) == 0)
        let rows = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT payload FROM outbox")
        }
        #expect(rows.count == 1)
        let payload: String = rows.first?["payload"] ?? ""
        #expect(payload.contains("hq_cai"))
        #expect(payload.contains("2027 年"))
    }
}
