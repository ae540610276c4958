import Categories
import Escalation
import Foundation
import Hummingbird

/// `GET /api/v1/routing`: the escalation settings in effect, as `escalation.yaml` and the holiday
/// calendars were read at start — teams with their hours, holidays and make-up workdays, routing rules,
/// SLA targets, timers and region managers — with each team's state now (working, next opening), so an
/// admin can check what StoreDesk will do without reading the file.
struct RoutingController<Context: RequestContext> {
    let settings: EscalationSettings
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("routing", use: show)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> RoutingBody {
        RoutingBody(settings, now: clock.now())
    }

    struct RoutingBody: ResponseEncodable {
        struct Target: Encodable {
            var minutes: Double
            var working: Bool
            var phrase: String
        }
        struct Day: Encodable {
            var date: String
            /// `holiday` (closed) or `workday` (a make-up workday, 调休).
            var kind: String
            var name: String
        }
        struct Calendar: Encodable {
            var name: String
            var publishedYears: [Int]
            var days: [Day]
            enum CodingKeys: String, CodingKey {
                case name, days
                case publishedYears = "published_years"
            }
        }
        struct TeamBody: Encodable {
            var id: String
            var name: String
            var members: [String]
            var lead: String?
            var cap: Int?
            var onCall: [String]
            var timeZone: String
            /// mon … sun → "09:00-18:00" periods.
            var hours: [String: [String]]
            var holidays: Calendar?
            var workingNow: Bool
            var nextOpening: Date?
            enum CodingKeys: String, CodingKey {
                case id, name, members, lead, cap, hours, holidays
                case onCall = "on_call"
                case timeZone = "time_zone"
                case workingNow = "working_now"
                case nextOpening = "next_opening"
            }
        }
        struct Rule: Encodable {
            var categories: [String]
            var region: String?
            var team: String
            var line: Int?
        }
        struct Timers: Encodable {
            var returnAfter: Target
            var storeHours: [String: [String]]
            var waitRemindAfterMinutes: Double
            var waitCloseAfterMinutes: Double
            var reopenWithinHours: Double
            enum CodingKeys: String, CodingKey {
                case returnAfter = "return_after"
                case storeHours = "store_hours"
                case waitRemindAfterMinutes = "wait_remind_after_minutes"
                case waitCloseAfterMinutes = "wait_close_after_minutes"
                case reopenWithinHours = "reopen_within_hours"
            }
        }

        var defaultTeam: String
        var teams: [TeamBody]
        var rules: [Rule]
        var firstResponse: [String: Target]
        var resolution: [String: Target]
        var timers: Timers
        var managers: [String: String]

        enum CodingKeys: String, CodingKey {
            case teams, rules, resolution, timers, managers
            case defaultTeam = "default_team"
            case firstResponse = "first_response"
        }

        init(_ settings: EscalationSettings, now: Date) {
            let routing = settings.routing
            defaultTeam = routing.defaultTeam.rawValue
            teams = routing.teams.map { team in
                let calendar = team.calendar
                return TeamBody(
                    id: team.id.rawValue, name: team.name, members: team.members, lead: team.lead, cap: team.cap,
                    onCall: team.onCall, timeZone: team.hours.timeZone.identifier, hours: Self.hours(team.hours),
                    holidays: team.holidays.map(Self.calendar), workingNow: calendar.isWorking(at: now),
                    nextOpening: calendar.isWorking(at: now)
                        ? calendar.nextWorkingStart(after: now) : calendar.workingStart(atOrAfter: now))
            }
            rules = routing.rules.map {
                Rule(categories: $0.categories.map(\.rawValue), region: $0.region, team: $0.team.rawValue, line: $0.line)
            }
            let sla = settings.sla
            firstResponse = Self.targets(TicketPriority.allCases.map { ($0, sla.target(.firstResponse, for: $0)) })
            resolution = Self.targets(TicketPriority.allCases.map { ($0, sla.target(.resolution, for: $0)) })
            let timers = settings.timers
            self.timers = Timers(
                returnAfter: Self.target(timers.unresponsiveAfter), storeHours: Self.hours(timers.storeHours),
                waitRemindAfterMinutes: timers.waitReminderAfter / 60, waitCloseAfterMinutes: timers.waitCloseAfter / 60,
                reopenWithinHours: timers.reopenWindow / 3600)
            managers = settings.managers
        }

        static func target(_ target: ResponseTarget) -> Target {
            Target(minutes: target.duration / 60, working: target.working, phrase: target.phrase)
        }

        static func targets(_ pairs: [(TicketPriority, ResponseTarget)]) -> [String: Target] {
            Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.rawValue, target($0.1)) })
        }

        static func hours(_ hours: WorkingHours) -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.rawValue, (hours.weekly[$0] ?? []).map(\.description)) })
        }

        static func calendar(_ holidays: HolidayCalendar) -> Calendar {
            var days: [Day] = []
            for year in holidays.years.keys.sorted() {
                for holiday in holidays.years[year] ?? [] {
                    days += holiday.daysOff.map { Day(date: $0.description, kind: "holiday", name: holiday.name) }
                    days += holiday.workdays.map { Day(date: $0.description, kind: "workday", name: holiday.name) }
                }
            }
            return Calendar(
                name: holidays.name, publishedYears: holidays.publishedYears, days: days.sorted { $0.date < $1.date })
        }
    }
}
