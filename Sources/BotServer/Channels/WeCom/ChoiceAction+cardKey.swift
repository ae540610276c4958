import Categories
import Escalation
import Foundation

/// A choice as a WeCom card button's `key`. WeCom returns it as the click's `EventKey`, so the key
/// carries everything needed, also when the click comes long after the card.
extension ChoiceAction {
    var cardKey: String {
        switch self {
        case .pick(let entry): "pick:\(entry.rawValue)"
        case .category(let category): "category:\(category.rawValue)"
        case .noneOfThese: "none"
        case .requestPerson: "human"
        case .rate(let ticket, let rating): "rate:\(ticket.rawValue):\(rating.rawValue)"
        }
    }

    /// The action of a button key, nil for keys that are not the bot's.
    init?(cardKey key: String) {
        if key == "none" {
            self = .noneOfThese
            return
        }
        if key == "human" {
            self = .requestPerson
            return
        }
        if key.hasPrefix("rate:") {
            let parts = key.split(separator: ":")
            guard parts.count == 3, let number = Int(parts[1]), let rating = TicketRating(rawValue: String(parts[2])) else {
                return nil
            }
            self = .rate(TicketNumber(number), rating)
            return
        }
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let value = String(key[key.index(after: colon)...])
        guard !value.isEmpty else { return nil }
        switch key[..<colon] {
        case "pick": self = .pick(KnowledgeEntryID(rawValue: value))
        case "category": self = .category(CategoryID(rawValue: value))
        default: return nil
        }
    }

    /// A fresh card `task_id`: unique per app, within WeCom's `[0-9A-Za-z_-@]`, at most 128 bytes.
    static func newCardID() -> String { "sd-" + UUID().uuidString.lowercased() }
}
