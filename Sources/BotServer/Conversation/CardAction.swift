import Categories
import Foundation

/// What a button on one of the bot's cards does. WeCom returns the button's `key` as the click's
/// `EventKey`, so the key carries everything needed, also when the click comes long after the card.
enum CardAction: Equatable, Sendable {
    /// Show this entry's answer (a suggestion or a hot question).
    case pick(KnowledgeEntryID)
    /// The pending question is about this category (the answer to a clarify).
    case category(CategoryID)
    /// None of the suggestions fits: hand the question over.
    case noneOfThese

    var key: String {
        switch self {
        case .pick(let entry): "pick:\(entry.rawValue)"
        case .category(let category): "category:\(category.rawValue)"
        case .noneOfThese: "none"
        }
    }

    /// The action of a button key, nil for keys that are not the bot's.
    init?(key: String) {
        if key == "none" {
            self = .noneOfThese
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
    static func newTaskID() -> String { "sd-" + UUID().uuidString.lowercased() }
}
