/// Where a ticket stands.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for an agent to claim it.
    case open
    /// An agent has it.
    case assigned
    /// The agent asked the store for something (the SLA issue adds the pause it means).
    case waiting
    /// The agent resolved it; the associate may rate it.
    case resolved
    /// Done for good: withdrawn by the associate, or (later) closed after resolution.
    case closed

    /// The word people see.
    public var label: String {
        switch self {
        case .open: "待认领"
        case .assigned: "处理中"
        case .waiting: "等待门店"
        case .resolved: "已解决"
        case .closed: "已关闭"
        }
    }

    /// Whether a person still owes the associate something.
    public var isActive: Bool { self == .open || self == .assigned || self == .waiting }
}

/// The associate's rating of a resolved ticket.
public enum TicketRating: String, Sendable, Codable, CaseIterable {
    case satisfied
    case unsatisfied
    /// The problem is not solved: the ticket goes back to its agent.
    case unresolved

    /// The button and the typed answer.
    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .unsatisfied: "不满意"
        case .unresolved: "没解决"
        }
    }

    /// A typed rating (满意, 不满意, 没解决 and close variants), nil for anything else.
    public static func parse(_ normalized: String) -> TicketRating? {
        switch normalized {
        case "满意", "很满意", "非常满意", "满意谢谢", "5", "五星": .satisfied
        case "不满意", "很不满意", "非常不满意", "差评": .unsatisfied
        case "没解决", "没有解决", "未解决", "还没解决", "问题没解决", "没搞定": .unresolved
        default: nil
        }
    }
}
