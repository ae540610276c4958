import Categories
import Foundation

/// The teams, which team takes which question, and how soon a first response is promised.
public struct RoutingTable: Sendable, Equatable {
    public var teams: [Team]
    /// Tried in order within each level of `route`'s fallbacks.
    public var rules: [RoutingRule]
    /// The team that takes whatever no rule places. It should be one of `teams`.
    public var defaultTeam: TeamID
    /// The first-response promise per priority; a priority missing here has its standard promise.
    public var firstResponse: [TicketPriority: ResponseTarget]

    public init(
        teams: [Team], rules: [RoutingRule] = [], defaultTeam: TeamID,
        firstResponse: [TicketPriority: ResponseTarget] = RoutingTable.standardFirstResponse
    ) {
        self.teams = teams
        self.rules = rules
        self.defaultTeam = defaultTeam
        self.firstResponse = firstResponse
    }

    /// Urgent: 10 minutes on the clock (an emergency does not wait for Monday); high: 30 working
    /// minutes; normal: 2 working hours; low: one working day.
    public static let standardFirstResponse: [TicketPriority: ResponseTarget] = [
        .urgent: .minutes(10),
        .high: .minutes(30, working: true),
        .normal: .hours(2),
        .low: ResponseTarget(duration: ResponseTarget.workingDay, working: true),
    ]

    /// The first-response promise for `priority`.
    public func firstResponse(for priority: TicketPriority) -> ResponseTarget {
        firstResponse[priority] ?? Self.standardFirstResponse[priority]!
    }

    /// The team that takes a question of `category` from `region`; `categoryTeam` is the category's own
    /// `team` field.
    ///
    /// The most specific answer wins: a rule naming both the category and the region; then the category
    /// alone (a rule naming the category without a region, else `categoryTeam` when it names a known
    /// team); then the region alone (a rule with the region and no categories); then the default team.
    /// Within a level the first rule in the file wins.
    public func route(category: CategoryID?, region: String?, categoryTeam: TeamID?) -> Team {
        let region = region.flatMap { $0.isEmpty ? nil : $0 }
        if let category, let region,
            let rule = rules.first(where: { $0.categories.contains(category) && $0.region == region }),
            let team = team(rule.team)
        {
            return team
        }
        if let category {
            if let rule = rules.first(where: { $0.categories.contains(category) && $0.region == nil }),
                let team = team(rule.team)
            {
                return team
            }
            if let categoryTeam, let team = team(categoryTeam) { return team }
        }
        if let region, let rule = rules.first(where: { $0.categories.isEmpty && $0.region == region }),
            let team = team(rule.team)
        {
            return team
        }
        return fallbackTeam
    }

    /// The team with `id`.
    public func team(_ id: TeamID) -> Team? {
        teams.first { $0.id == id }
    }

    /// The team an agent means by `text`, by id or by name: "south-ops", "华南区营运支持" (as in
    /// "#1001 转 华南区营运支持"). Ids match whatever their case.
    public func team(named text: String) -> Team? {
        let wanted = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !wanted.isEmpty else { return nil }
        return teams.first { $0.id.rawValue == wanted || $0.name == wanted }
            ?? teams.first { $0.id.rawValue.lowercased() == wanted.lowercased() }
    }

    /// Whether `userID` is an agent: a member or lead of any team. Everyone else who writes is an associate.
    public func isAgent(_ userID: String) -> Bool {
        teams.contains { $0.members.contains(userID) || $0.lead == userID }
    }

    /// The teams `userID` is a member or lead of, in the file's order.
    public func teams(of userID: String) -> [Team] {
        teams.filter { $0.members.contains(userID) || $0.lead == userID }
    }

    /// The categories rules name that are not in `known`, with the rule's line: such a rule can never
    /// match that category, which is worth a warning but not a refusal to start (a category may be
    /// retired or renamed after the file was written).
    public func unknownCategories(known: Set<CategoryID>) -> [(category: CategoryID, line: Int?)] {
        rules.flatMap { rule in
            rule.categories.filter { !known.contains($0) }.map { (category: $0, line: rule.line) }
        }
    }

    /// The default team; should the table not contain it, its first team, or else a team of that id with
    /// no one in it, so that a question always has somewhere to go.
    private var fallbackTeam: Team {
        team(defaultTeam) ?? teams.first
            ?? Team(id: defaultTeam, name: defaultTeam.rawValue, hours: .officeHours())
    }
}
