import Foundation
import WeComAdapter

/// What one outbox row sends: a message, or an update of a card sent earlier.
///
/// Stored as JSON in `outbox.payload`. A message is stored as the plain `OutgoingMessage`, the shape
/// every row had before card updates, so rows already queued stay readable and a server rolled back to
/// that release still reads what this one queued; a card update is `{"cardUpdate": {…}}`, a key no
/// message has.
enum OutboxItem: Sendable, Equatable, Codable {
    case message(OutgoingMessage)
    case cardUpdate(CardUpdate)

    private enum CodingKeys: String, CodingKey {
        case cardUpdate
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let update = try container.decodeIfPresent(CardUpdate.self, forKey: .cardUpdate) {
            self = .cardUpdate(update)
        } else {
            self = .message(try OutgoingMessage(from: decoder))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .message(let message):
            try message.encode(to: encoder)
        case .cardUpdate(let update):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(update, forKey: .cardUpdate)
        }
    }

    /// The row's lane (`outbox.user_id`): only a lane's first unsent row may go.
    ///
    /// A message's lane is its recipients, so one associate's replies arrive in order. A card update
    /// has a lane of its own, so it never waits behind anyone's messages; it cannot overtake the card
    /// it updates either, since its response code exists only once WeCom took that card (or a click
    /// on it). `card:` cannot begin a WeCom UserID, whose characters exclude `:`.
    var lane: String {
        switch self {
        case .message(let message): message.toUsers.joined(separator: "|")
        case .cardUpdate(let update): Self.cardUpdateLanePrefix + update.responseCode
        }
    }

    /// What begins a card update's lane, and no message's: a card update is not a message, so it
    /// counts against no member's budget (`OutboxMemberBudget`).
    static let cardUpdateLanePrefix = "card:"

    /// The members a lane's messages go to, each of whom WeCom limits (`OutboxMemberBudget`); nil for
    /// a card update's lane.
    static func members(ofLane lane: String) -> [String]? {
        guard !lane.hasPrefix(cardUpdateLanePrefix) else { return nil }
        var seen = Set<String>()
        return lane.split(separator: "|").map(String.init).filter { seen.insert($0).inserted }
    }

    /// The `task_id` of a template card, by which its response code is found later.
    var cardTaskID: String? {
        guard case .message(let message) = self, case .templateCard(let card) = message.body else { return nil }
        return card.taskID
    }
}
