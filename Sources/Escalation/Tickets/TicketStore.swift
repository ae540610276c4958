import Foundation
import GRDB

/// Which tickets to list.
public struct TicketFilter: Sendable, Equatable {
    public var statuses: [TicketStatus]
    public var team: TeamID?
    /// Any of these teams (an agent's queue across the teams they are in); empty = any.
    public var teams: [TeamID]
    public var region: String?
    public var category: String?
    public var assignee: String?
    public var store: String?
    /// Only tickets with a number below this one (the next page).
    public var before: TicketNumber?
    public var limit: Int
    /// Only tickets near or past an SLA due time at `now`.
    public var breaching: Breaching?
    public var now: Date?

    /// How close to a breach.
    public enum Breaching: String, Sendable {
        /// Past the 80% warning of a target still open, or past its due time.
        case soon
        /// Past the due time of a target still open.
        case now
    }

    public init(
        statuses: [TicketStatus] = [], team: TeamID? = nil, teams: [TeamID] = [], region: String? = nil, category: String? = nil,
        assignee: String? = nil, store: String? = nil, before: TicketNumber? = nil, limit: Int = 50
    ) {
        self.statuses = statuses
        self.team = team
        self.teams = teams
        self.region = region
        self.category = category
        self.assignee = assignee
        self.store = store
        self.before = before
        self.limit = limit
    }
}

/// Where tickets, their transcripts and timelines are kept. The writes run inside the caller's
/// transaction, so that a ticket changes together with the message that changed it and the replies it
/// queued.
public protocol TicketStore: Sendable {
    /// Opens a ticket with the next number (from 1001, never reused); `ticket.number` is ignored.
    func insert(_ ticket: Ticket, in db: Database) throws -> Ticket
    func update(_ ticket: Ticket, in db: Database) throws
    func ticket(_ number: TicketNumber, in db: Database) throws -> Ticket?
    /// The associate's ticket a person still works on, if any (at most one at a time).
    func activeTicket(of requester: String, in db: Database) throws -> Ticket?
    func record(_ event: TicketEvent, in db: Database) throws
    func record(_ message: TicketMessage, in db: Database) throws
    func events(of number: TicketNumber, in db: Database) throws -> [TicketEvent]
    /// The latest event by `actor` of one of `kinds` at or after `since`.
    func latestEvent(by actor: String, kinds: Set<TicketEvent.Kind>, since: Date, in db: Database) throws -> TicketEvent?
    func transcript(of number: TicketNumber, in db: Database) throws -> [TicketMessage]
    /// Newest first.
    func tickets(_ filter: TicketFilter, in db: Database) throws -> [Ticket]
    /// How many active tickets each of `agents` has.
    func activeCounts(of agents: [String], in db: Database) throws -> [String: Int]
    /// The stores each agent claimed tickets of since `date`.
    func storesHandled(since date: Date, in db: Database) throws -> [String: Set<String>]
    /// The name an agent was last shown under on a ticket (the directory's, taken when they claimed one).
    func knownName(of agent: String, in db: Database) throws -> String?
    /// The agent last shown under `name` on a ticket, if any.
    func agent(named name: String, in db: Database) throws -> String?
    /// The tickets whose next alarm is due by `now`, earliest first.
    func dueTickets(at now: Date, limit: Int, in db: Database) throws -> [TicketNumber]
    /// Every ticket the scheduler still watches (not closed), to compute their due times again.
    func watchedTickets(in db: Database) throws -> [TicketNumber]
    /// What agents said of their duty (下班/上班), for those of `agents` who said anything.
    func duty(of agents: [String], in db: Database) throws -> [String: AgentDuty]
    func setDuty(_ duty: AgentDuty, in db: Database) throws
}

/// `TicketStore` on the application's SQLite database.
public struct DatabaseTicketStore: TicketStore {
    public init() {}

    public func insert(_ ticket: Ticket, in db: Database) throws -> Ticket {
        var ticket = ticket
        // AUTOINCREMENT never gives a number twice, even after the newest ticket is deleted.
        try db.execute(
            sql: """
                INSERT INTO ticket (requester, team, subject, question, priority, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                ticket.requester, ticket.team.rawValue, ticket.subject, ticket.question, ticket.priority.rawValue,
                ticket.status.rawValue, ticket.createdAt,
            ])
        ticket.number = TicketNumber(Int(db.lastInsertedRowID))
        try ticket.update(db)
        return ticket
    }

    public func update(_ ticket: Ticket, in db: Database) throws {
        try ticket.update(db)
    }

    public func ticket(_ number: TicketNumber, in db: Database) throws -> Ticket? {
        try Ticket.fetchOne(db, key: number.rawValue)
    }

    public func activeTicket(of requester: String, in db: Database) throws -> Ticket? {
        try Ticket.filter(Column("requester") == requester)
            .filter(TicketStatus.allCases.filter(\.isActive).map(\.rawValue).contains(Column("status")))
            .order(Column("number").desc)
            .fetchOne(db)
    }

    public func record(_ event: TicketEvent, in db: Database) throws {
        var event = event
        try event.insert(db)
    }

    public func record(_ message: TicketMessage, in db: Database) throws {
        var message = message
        try message.insert(db)
    }

    public func events(of number: TicketNumber, in db: Database) throws -> [TicketEvent] {
        try TicketEvent.filter(Column("ticket") == number.rawValue).order(Column("id")).fetchAll(db)
    }

    public func latestEvent(by actor: String, kinds: Set<TicketEvent.Kind>, since: Date, in db: Database) throws
        -> TicketEvent?
    {
        try TicketEvent.filter(Column("actor") == actor && Column("at") >= since)
            .filter(kinds.map(\.rawValue).contains(Column("kind")))
            .order(Column("at").desc, Column("id").desc)
            .fetchOne(db)
    }

    public func transcript(of number: TicketNumber, in db: Database) throws -> [TicketMessage] {
        try TicketMessage.filter(Column("ticket") == number.rawValue).order(Column("id")).fetchAll(db)
    }

    public func tickets(_ filter: TicketFilter, in db: Database) throws -> [Ticket] {
        var request = Ticket.all()
        if !filter.statuses.isEmpty { request = request.filter(filter.statuses.map(\.rawValue).contains(Column("status"))) }
        if let team = filter.team { request = request.filter(Column("team") == team.rawValue) }
        if !filter.teams.isEmpty { request = request.filter(filter.teams.map(\.rawValue).contains(Column("team"))) }
        if let region = filter.region { request = request.filter(Column("region") == region) }
        if let category = filter.category { request = request.filter(Column("category") == category) }
        if let assignee = filter.assignee { request = request.filter(Column("assignee") == assignee) }
        if let store = filter.store { request = request.filter(Column("store") == store) }
        if let before = filter.before { request = request.filter(Column("number") < before.rawValue) }
        if let breaching = filter.breaching {
            let now = filter.now ?? Date()
            let active = TicketStatus.allCases.filter(\.isActive).map(\.rawValue)
            let first = breaching == .soon ? Column("first_response_warn_at") : Column("response_due_at")
            let last = breaching == .soon ? Column("resolution_warn_at") : Column("resolution_due_at")
            // A first response still owed, or a resolution still owed, whose moment has passed.
            request = request.filter(active.contains(Column("status")))
                .filter((Column("first_reply_at") == nil && first <= now) || last <= now)
        }
        return try request.order(Column("number").desc).limit(max(1, min(filter.limit, 500))).fetchAll(db)
    }

    public func activeCounts(of agents: [String], in db: Database) throws -> [String: Int] {
        guard !agents.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT assignee, COUNT(*) AS n FROM ticket
                WHERE assignee IN (\(databaseQuestionMarks(count: agents.count))) AND status IN ('open', 'assigned', 'waiting')
                GROUP BY assignee
                """, arguments: StatementArguments(agents))
        var counts = Dictionary(uniqueKeysWithValues: agents.map { ($0, 0) })
        for row in rows { counts[row["assignee"]] = row["n"] }
        return counts
    }

    public func storesHandled(since date: Date, in db: Database) throws -> [String: Set<String>] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT assignee, store FROM ticket
                WHERE assignee IS NOT NULL AND store IS NOT NULL AND claimed_at >= ?
                """, arguments: [date])
        var stores: [String: Set<String>] = [:]
        for row in rows { stores[row["assignee"], default: []].insert(row["store"]) }
        return stores
    }

    public func knownName(of agent: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT assignee_name FROM ticket WHERE assignee = ? AND assignee_name IS NOT NULL AND assignee_name != assignee
                ORDER BY number DESC LIMIT 1
                """, arguments: [agent])
    }

    public func dueTickets(at now: Date, limit: Int, in db: Database) throws -> [TicketNumber] {
        try Int.fetchAll(
            db, sql: "SELECT number FROM ticket WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?",
            arguments: [now, limit]
        ).map { TicketNumber($0) }
    }

    public func watchedTickets(in db: Database) throws -> [TicketNumber] {
        try Int.fetchAll(db, sql: "SELECT number FROM ticket WHERE status != 'closed' ORDER BY number").map { TicketNumber($0) }
    }

    public func duty(of agents: [String], in db: Database) throws -> [String: AgentDuty] {
        guard !agents.isEmpty else { return [:] }
        let rows = try AgentDuty.filter(agents.contains(Column("agent"))).fetchAll(db)
        return Dictionary(rows.map { ($0.agent, $0) }) { $1 }
    }

    public func setDuty(_ duty: AgentDuty, in db: Database) throws {
        try duty.save(db)
    }

    public func agent(named name: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT assignee FROM ticket WHERE assignee_name = ? ORDER BY number DESC LIMIT 1", arguments: [name])
    }
}
