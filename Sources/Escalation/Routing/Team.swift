/// A group of HQ agents that takes the tickets routed to it, such as 华南区营运支持.
public struct Team: Sendable, Equatable, Identifiable {
    public var id: TeamID
    /// The name people see: "已为您转交华南区营运支持".
    public var name: String
    /// WeCom user ids of the agents who take tickets, in the order ties are broken (see `Assignment`).
    public var members: [String]
    /// The WeCom user id of the person who answers for the team: told of breaches, and given tickets
    /// only when the team has no members.
    public var lead: String?
    /// When the team works; working-time promises are counted in these hours.
    public var hours: WorkingHours

    public init(id: TeamID, name: String, members: [String] = [], lead: String? = nil, hours: WorkingHours) {
        self.id = id
        self.name = name
        self.members = members
        self.lead = lead
        self.hours = hours
    }

    /// Everyone the team names: the members in order, then the lead, each once.
    public var everyone: [String] {
        var seen = Set<String>()
        return (members + [lead].compactMap { $0 }).filter { seen.insert($0).inserted }
    }
}
