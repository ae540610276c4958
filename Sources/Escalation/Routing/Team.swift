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
    /// When the team works in an ordinary week; working-time promises are counted in these hours,
    /// corrected by `holidays` (see `calendar`).
    public var hours: WorkingHours
    /// The team's public holidays and make-up workdays (`Config/holidays.yaml` unless the team names
    /// another file); nil for a team that follows its weekly hours whatever the date.
    public var holidays: HolidayCalendar?

    public init(
        id: TeamID, name: String, members: [String] = [], lead: String? = nil, hours: WorkingHours,
        holidays: HolidayCalendar? = nil
    ) {
        self.id = id
        self.name = name
        self.members = members
        self.lead = lead
        self.hours = hours
        self.holidays = holidays
    }

    /// When the team works, day by day: its hours with its holidays. What working-time promises count.
    public var calendar: WorkingCalendar {
        WorkingCalendar(hours: hours, holidays: holidays)
    }

    /// Everyone the team names: the members in order, then the lead, each once.
    public var everyone: [String] {
        var seen = Set<String>()
        return (members + [lead].compactMap { $0 }).filter { seen.insert($0).inserted }
    }
}
