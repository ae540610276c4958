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
    /// The most active tickets a member holds before new ones go to others (nil: no cap).
    public var cap: Int?
    /// Members who take urgent tickets outside working hours, with the lead (the rest wait for the morning).
    public var onCall: [String]
    /// In working hours, offer a new ticket to every member on duty (first to claim takes it) rather than
    /// to the one member `Assignment` chooses.
    public var offersToEveryone: Bool

    public init(
        id: TeamID, name: String, members: [String] = [], lead: String? = nil, hours: WorkingHours,
        holidays: HolidayCalendar? = nil, cap: Int? = nil, onCall: [String] = [], offersToEveryone: Bool = false
    ) {
        self.id = id
        self.name = name
        self.members = members
        self.lead = lead
        self.hours = hours
        self.holidays = holidays
        self.cap = cap
        self.onCall = onCall
        self.offersToEveryone = offersToEveryone
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
