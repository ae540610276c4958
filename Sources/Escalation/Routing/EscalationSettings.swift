import Foundation

/// Everything `escalation.yaml` configures: the routing table with its teams, their hours and holiday
/// calendars, the SLA targets, the intake questions and the places set by hand.
public struct EscalationSettings: Sendable, Equatable {
    public var routing: RoutingTable
    public var intake: IntakePlan
    public var overrides: PlaceOverrides
    /// The resolution targets per priority (`resolution` in the file); a priority missing here has its
    /// standard target. The first-response targets are `routing.firstResponse`; `sla` shows both.
    public var resolution: [TicketPriority: ResponseTarget]
    /// How long tickets may sit before StoreDesk acts on its own (`duty` and `waiting` in the file).
    public var timers: TicketTimers
    /// Region → the WeCom user id of its manager, the last rung of a breach's ladder (`managers`).
    public var managers: [String: String]

    public init(
        routing: RoutingTable, intake: IntakePlan = .standard, overrides: PlaceOverrides = .none,
        resolution: [TicketPriority: ResponseTarget] = SLAPolicy.standardResolution, timers: TicketTimers = TicketTimers(),
        managers: [String: String] = [:]
    ) {
        self.routing = routing
        self.intake = intake
        self.overrides = overrides
        self.resolution = resolution
        self.timers = timers
        self.managers = managers
    }

    /// The first-response and resolution targets per priority.
    ///
    /// The first-response targets are kept in the routing table, where the ticket desk already reads
    /// them, so that there is one copy of each; setting `sla` sets both.
    public var sla: SLAPolicy {
        get { SLAPolicy(firstResponse: routing.firstResponse, resolution: resolution) }
        set {
            routing.firstResponse = newValue.firstResponse
            resolution = newValue.resolution
        }
    }

    /// The working calendar of the team with `id`: its weekly hours and its holidays. Nil for a team
    /// the settings do not have.
    public func calendar(for id: TeamID) -> WorkingCalendar? {
        routing.team(id)?.calendar
    }

    /// The teams whose holiday calendar lacks dates it should have at `now`: this year's, and from
    /// 1 December (in the team's time zone) next year's. The lead is told of these; a team without a
    /// holiday calendar (`holidays: none`) never is.
    public func holidayGaps(at now: Date) -> [HolidayGap] {
        routing.teams.compactMap { team in
            guard let holidays = team.holidays else { return nil }
            let years = team.calendar.missingHolidayYears(at: now)
            return years.isEmpty ? nil : HolidayGap(team: team.id, lead: team.lead, calendar: holidays.name, years: years)
        }
    }

    /// The id of the team everything goes to without a file.
    public static let standardTeamID: TeamID = "hq-service"

    /// Without `escalation.yaml`: one team, 总部客服中心, open Monday to Friday 09:00–18:00 China time, with
    /// no one in it (tickets wait in its queue until the file names agents), no holiday calendar (the
    /// file reader gives it `holidays.yaml`'s), the standard targets and intake questions.
    public static let standard = EscalationSettings(
        routing: RoutingTable(
            teams: [Team(id: standardTeamID, name: "总部客服中心", hours: .officeHours())], defaultTeam: standardTeamID))
}
