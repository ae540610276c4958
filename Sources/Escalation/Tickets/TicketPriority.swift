/// How soon a ticket must be handled. Requests for a person and regional matters are normal unless
/// urgent; complaints, emergencies and safety matters are urgent.
public enum TicketPriority: String, Sendable, Codable, CaseIterable, Comparable {
    case urgent, high, normal, low

    /// The word people see (紧急, 高, 普通, 低).
    public var label: String {
        switch self {
        case .urgent: "紧急"
        case .high: "高"
        case .normal: "普通"
        case .low: "低"
        }
    }

    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
