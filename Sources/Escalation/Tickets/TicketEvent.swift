import Foundation
import GRDB

/// One step in a ticket's timeline: who did what, when.
public struct TicketEvent: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ticket_event"

    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case opened
        /// Offered to agents (`detail`: who).
        case offered
        case claimed
        /// Given to another agent or team (`detail`: to whom).
        case reassigned
        /// An agent's reply, relayed to the associate.
        case replied
        /// An internal note, never relayed.
        case noted
        /// The associate added something.
        case associateWrote = "associate_wrote"
        case resolved
        case rated
        /// The associate said 没解决 after resolution: back to the agent.
        case reopened
        /// The associate withdrew it (不用了).
        case withdrawn
        /// The associate gave the conversation back to the bot (新问题); the ticket stays open.
        case returnedToBot = "returned_to_bot"
        /// The agent asked the store for something (`text`); the SLA pauses.
        case waiting
        /// The store answered the agent's question; the SLA runs again.
        case resumed
        /// The store was reminded of the agent's question.
        case storeReminded = "store_reminded"
        /// Closed by StoreDesk (`detail`: why — `resolved` 72 hours after resolution, `no_answer` from the store).
        case closed
        /// An SLA warning went out (`detail`: the target, `text`: to whom).
        case slaWarning = "sla_warning"
        /// An SLA target was breached (`detail`: the target, `text`: to whom).
        case slaBreach = "sla_breach"
        /// Nobody claimed or replied in time: back to the team (`detail`: who had it).
        case returnedToTeam = "returned_to_team"
        /// A follow-up ticket was opened about this closed one (`detail`: its number), or this one
        /// follows up another (`detail`: that number).
        case followUp = "follow_up"
    }

    public var id: Int64?
    public var ticket: TicketNumber
    public var at: Date
    /// A WeCom user id, `bot`, or `admin` for the API's token.
    public var actor: String
    public var kind: Kind
    public var text: String?
    public var detail: String?

    public init(ticket: TicketNumber, at: Date, actor: String, kind: Kind, text: String? = nil, detail: String? = nil) {
        self.ticket = ticket
        self.at = at
        self.actor = actor
        self.kind = kind
        self.text = text
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One message of a ticket's transcript, both ways.
public struct TicketMessage: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ticket_message"

    public enum Direction: String, Sendable, Codable {
        /// From the associate.
        case fromAssociate = "from_associate"
        /// To the associate (the bot's or an agent's).
        case toAssociate = "to_associate"
    }

    public var id: Int64?
    public var ticket: TicketNumber
    public var at: Date
    public var direction: Direction
    /// Who wrote it: the associate's or agent's user id, or `bot`.
    public var author: String
    public var text: String

    public init(ticket: TicketNumber, at: Date, direction: Direction, author: String, text: String) {
        self.ticket = ticket
        self.at = at
        self.direction = direction
        self.author = author
        self.text = text
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
