import Categories

/// One line of the routing table: questions of these categories (any, when empty) from this region (any,
/// when nil) go to `team`. How rules are tried is `RoutingTable.route`'s business.
public struct RoutingRule: Sendable, Equatable {
    /// The categories the rule is for; empty means any category.
    public var categories: [CategoryID]
    /// The region (the WeCom department name, 华南区) the rule is for; nil means any region.
    public var region: String?
    public var team: TeamID
    /// Where the rule is written in `escalation.yaml`, so that warnings can point at it.
    public var line: Int?

    public init(categories: [CategoryID] = [], region: String? = nil, team: TeamID, line: Int? = nil) {
        self.categories = categories
        self.region = region
        self.team = team
        self.line = line
    }
}
