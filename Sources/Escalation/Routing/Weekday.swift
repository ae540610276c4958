/// A day of the week, written as in `escalation.yaml` (`mon` … `sun`).
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// The day of `Calendar`'s `weekday` component (1 is Sunday, 2 Monday, …).
    public init(calendarWeekday: Int) {
        // Calendar counts from Sunday; the week here starts on Monday, as it does at work in China.
        self = Self.allCases[(calendarWeekday + 5) % 7]
    }

    /// Monday to Friday.
    public static let workdays: [Weekday] = [.mon, .tue, .wed, .thu, .fri]

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
