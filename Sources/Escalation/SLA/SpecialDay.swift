/// A date on which a holiday calendar overrides a team's weekly hours.
public enum SpecialDay: Sendable, Hashable {
    /// A public holiday (放假): closed all day, whatever the weekday. The holiday's name, such as 春节.
    case holiday(String)
    /// A make-up workday (调休上班), usually a Saturday or Sunday worked in exchange for a longer
    /// holiday: open for a normal weekday's hours. The name of the holiday it belongs to.
    case makeUpWorkday(String)

    /// The name of the holiday the day belongs to.
    public var name: String {
        switch self {
        case .holiday(let name), .makeUpWorkday(let name): name
        }
    }
}
