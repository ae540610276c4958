/// Something in a question's wording that decides a hand-over whatever the knowledge base matches.
public enum QuestionSignal: String, Sendable, Codable, CaseIterable, Comparable {
    /// The associate asks for a person (转人工, 找总部的人 …).
    case requestedHuman = "requested_human"
    /// The associate complains (我要投诉, 太差了 …).
    case complaint
    /// An emergency or a safety matter (着火, 有人受伤, 紧急 …).
    case urgent
    /// About one region's, city's or store's own policy, event or situation.
    case regional

    public static func < (lhs: QuestionSignal, rhs: QuestionSignal) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
