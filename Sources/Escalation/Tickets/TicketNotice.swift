import Foundation

/// What a ticket's change makes someone hear, independent of the channel (`BotServer` renders it as
/// WeCom messages and card updates).
public enum TicketNotice: Sendable, Equatable {
    /// Say this to an associate.
    case associate(String, Reply)
    /// Tell these agents, one to one.
    case agents([String], AgentNotice)
    /// The ticket's offer cards are taken: every recipient's card should say `label` and stop taking taps.
    /// `tap` is the claiming tap, when it came from a card (its token allows the update).
    case offersTaken(cards: [String], label: String, tap: CardTap?)
    /// A tap on a card someone else had already acted on: the tapper's card should say `label`.
    case staleTap(CardTap, label: String)
}

/// A message to agents.
public enum AgentNotice: Sendable, Equatable {
    case offer(TicketOffer)
    case text(String)
    /// A picture, voice message or video the associate sent.
    case attachment(Attachment)
}

/// A ticket offered to agents: a card with 认领 / 转派, followed by the whole case as text.
public struct TicketOffer: Sendable, Equatable {
    public var number: TicketNumber
    /// The card's id (unique: a re-offer gets a new one).
    public var cardID: String
    public var title: String
    /// Short rows: store, region, category, priority, question.
    public var rows: [(key: String, value: String)]
    /// The case in full.
    public var caseText: String

    public init(number: TicketNumber, cardID: String, title: String, rows: [(key: String, value: String)], caseText: String) {
        self.number = number
        self.cardID = cardID
        self.title = title
        self.rows = rows
        self.caseText = caseText
    }

    public static func == (lhs: TicketOffer, rhs: TicketOffer) -> Bool {
        lhs.number == rhs.number && lhs.cardID == rhs.cardID && lhs.title == rhs.title && lhs.caseText == rhs.caseText
            && lhs.rows.map(\.key) == rhs.rows.map(\.key) && lhs.rows.map(\.value) == rhs.rows.map(\.value)
    }
}

/// A tap on a card: which card, who tapped, and the channel's token that allows updating it (WeCom's
/// single-use response code).
public struct CardTap: Sendable, Equatable {
    public var cardID: String
    public var user: String
    public var token: String?

    public init(cardID: String, user: String, token: String?) {
        self.cardID = cardID
        self.user = user
        self.token = token
    }
}
