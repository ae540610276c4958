import Escalation

/// A button of a ticket's offer card, as its WeCom `key`: `claim:1001`, `reassign:1001`.
enum TicketCardAction: Sendable, Equatable {
    case claim(TicketNumber)
    case reassign(TicketNumber)

    var cardKey: String {
        switch self {
        case .claim(let number): "claim:\(number.rawValue)"
        case .reassign(let number): "reassign:\(number.rawValue)"
        }
    }

    /// The action of a button key, nil for keys that are not a ticket card's.
    init?(cardKey key: String) {
        let parts = key.split(separator: ":")
        guard parts.count == 2, let value = Int(parts[1]), value > 0 else { return nil }
        switch parts[0] {
        case "claim": self = .claim(TicketNumber(value))
        case "reassign": self = .reassign(TicketNumber(value))
        default: return nil
        }
    }
}
