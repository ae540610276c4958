/// A team whose holiday calendar lacks a year's dates: its working-time promises in that year follow
/// the weekly hours alone until someone adds the State Council's dates.
public struct HolidayGap: Sendable, Equatable {
    /// The team whose promises are affected.
    public var team: TeamID
    /// Who to tell: the team's lead, when it has one.
    public var lead: String?
    /// The calendar that lacks the dates, such as `holidays.yaml`: what to edit.
    public var calendar: String
    /// The years without dates, in order.
    public var years: [Int]

    public init(team: TeamID, lead: String?, calendar: String, years: [Int]) {
        self.team = team
        self.lead = lead
        self.calendar = calendar
        self.years = years
    }
}
