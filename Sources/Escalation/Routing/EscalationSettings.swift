/// Everything `escalation.yaml` configures: the routing table with its teams and promises, the intake
/// questions and the places set by hand.
public struct EscalationSettings: Sendable, Equatable {
    public var routing: RoutingTable
    public var intake: IntakePlan
    public var overrides: PlaceOverrides

    public init(routing: RoutingTable, intake: IntakePlan = .standard, overrides: PlaceOverrides = .none) {
        self.routing = routing
        self.intake = intake
        self.overrides = overrides
    }

    /// The id of the team everything goes to without a file.
    public static let standardTeamID: TeamID = "hq-service"

    /// Without `escalation.yaml`: one team, 总部客服中心, open Monday to Friday 09:00–18:00 China time, with
    /// no one in it (tickets wait in its queue until the file names agents), the standard promises and
    /// intake questions.
    public static let standard = EscalationSettings(
        routing: RoutingTable(
            teams: [Team(id: standardTeamID, name: "总部客服中心", hours: .officeHours())], defaultTeam: standardTeamID))
}
