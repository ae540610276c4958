import Categories
import Foundation
import GRDB

/// Tickets' rules: opening and routing, offering, claiming, relaying both ways, resolving and rating.
///
/// Every method runs inside the caller's write transaction (the message that caused it is marked handled
/// in the same one), reads the ticket as it is now, and returns what people must hear as
/// channel-neutral `TicketNotice`s; the caller queues them in the same transaction. Two agents claiming
/// at once are two transactions, one after the other: the second sees the first's claim.
public struct TicketDesk: Sendable {
    /// Someone who writes: an associate or an agent, with what the directory says of them.
    public struct Person: Sendable, Equatable {
        public var userID: String
        public var name: String?
        public var store: String?
        public var region: String?

        public init(userID: String, name: String? = nil, store: String? = nil, region: String? = nil) {
            self.userID = userID
            self.name = name
            self.store = store
            self.region = region
        }

        /// The name people see (the user id when the directory has no name).
        public var displayName: String { name ?? userID }
    }

    public var store: any TicketStore
    public var conversations: any ConversationStore
    public var routing: RoutingTable
    /// The resolution targets per priority (the first-response ones are `routing`'s).
    public var resolution: [TicketPriority: ResponseTarget]
    public var timers: TicketTimers
    /// Region → its manager's user id: the last rung of a breach's ladder.
    public var managers: [String: String]
    /// Where a team lead's own leader is found when `managers` names none for the ticket's region.
    public var leaders: (any LeaderDirectory)?
    public var texts: TicketTexts

    public init(
        store: any TicketStore = DatabaseTicketStore(), conversations: any ConversationStore = DatabaseConversationStore(),
        routing: RoutingTable, resolution: [TicketPriority: ResponseTarget] = SLAPolicy.standardResolution,
        timers: TicketTimers = TicketTimers(), managers: [String: String] = [:], texts: TicketTexts = TicketTexts()
    ) {
        self.store = store
        self.conversations = conversations
        self.routing = routing
        self.resolution = resolution
        self.timers = timers
        self.managers = managers
        self.texts = texts
    }

    /// The desk `settings` describe (`escalation.yaml`).
    public init(settings: EscalationSettings, texts: TicketTexts = TicketTexts()) {
        self.init(
            routing: settings.routing, resolution: settings.resolution, timers: settings.timers, managers: settings.managers,
            texts: texts)
    }

    /// The first-response and resolution targets.
    public var sla: SLAPolicy { SLAPolicy(firstResponse: routing.firstResponse, resolution: resolution) }

    /// How far back an agent's handling of a store makes them the preferred one for its next ticket.
    static let storeAffinity: TimeInterval = 7 * 86400
    /// At most one "已补充到工单" an hour to an associate whose ticket nobody has claimed yet.
    static let addedNoticeInterval: TimeInterval = 3600

    // MARK: - Opening

    /// Opens a ticket for `request` from `requester`, routed by category and region, and offers it to
    /// the team. An associate with a ticket still active gets the request added to that one instead
    /// (one open ticket per conversation). The conversation is the ticket's from now on.
    public func open(
        _ request: TicketRequest, for requester: Person, categories: [Category], now: Date, in db: Database
    ) throws -> TicketOpening {
        if let active = try store.activeTicket(of: requester.userID, in: db) {
            return TicketOpening(
                ticket: active, notices: try merge(request, into: active, from: requester, now: now, in: db), isNew: false)
        }
        let category = request.category.flatMap { id in categories.first { $0.id == id } }
        let team = routing.route(
            category: request.category, region: requester.region, categoryTeam: category?.team.map(TeamID.init(rawValue:)))
        return try start(request, for: requester, team: team, categoryName: category?.name, now: now, in: db)
    }

    /// Opens the ticket with `team`, offers it (now, or when the team opens), and gives it the conversation.
    func start(
        _ request: TicketRequest, for requester: Person, team: Team, categoryName: String?, followUpOf: TicketNumber? = nil,
        now: Date, in db: Database
    ) throws -> TicketOpening {
        let offeredTo = try offerees(in: team, priority: request.priority, store: requester.store, now: now, in: db)
        var ticket = Ticket(
            number: TicketNumber.first, requester: requester.userID, requesterName: requester.name, store: requester.store,
            region: requester.region, category: request.category, priority: request.priority,
            subject: Ticket.subject(of: request.question), question: request.question, team: team.id, offeredTo: offeredTo,
            reasons: request.reasons, candidates: request.candidates, confidence: request.confidence,
            intake: request.intake, createdAt: now)
        ticket.categoryName = categoryName
        ticket.followUpOf = followUpOf
        ticket = try store.insert(ticket, in: db)
        // Out of hours a non-urgent ticket is offered when the team opens (`TicketAlarm.offer`).
        let offer = offeredTo.isEmpty ? nil : offer(ticket, team: team)
        if let offer { ticket.offerCards = [offer.cardID] }
        // One offeree: their time to claim counts from now. None: the offer waits from now.
        ticket.heldSince = offeredTo.count <= 1 ? now : nil

        for line in request.transcript {
            try store.record(
                TicketMessage(
                    ticket: ticket.number, at: line.at, direction: line.direction,
                    author: line.direction == .fromAssociate ? requester.userID : "bot", text: line.text), in: db)
        }
        try store.record(
            TicketEvent(
                ticket: ticket.number, at: now, actor: requester.userID, kind: .opened,
                text: ticket.reasons.map(\.rawValue).joined(separator: ","), detail: team.id.rawValue), in: db)
        if let followUpOf {
            try store.record(
                TicketEvent(ticket: ticket.number, at: now, actor: "bot", kind: .followUp, detail: "\(followUpOf)"), in: db)
            try store.record(
                TicketEvent(ticket: followUpOf, at: now, actor: "bot", kind: .followUp, detail: "\(ticket.number)"), in: db)
        }
        if !offeredTo.isEmpty {
            try store.record(
                TicketEvent(
                    ticket: ticket.number, at: now, actor: "bot", kind: .offered, detail: offeredTo.joined(separator: ",")),
                in: db)
        }
        try save(&ticket, in: db)
        var told = openedText(ticket, team: team, now: now)
        if let followUpOf {
            told = texts.followUpOpened.filled(["ticket": "\(ticket.number)", "previous": "\(followUpOf)"]) + told
        }
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
        try own(ticket.number, requester: requester.userID, in: db, now: now)
        var notices: [TicketNotice] = [.associate(requester.userID, .text(told))]
        if let offer { notices.append(.agents(offeredTo, .offer(offer))) }
        return TicketOpening(ticket: ticket, notices: notices, isNew: true)
    }

    /// A hand-over while the associate's earlier ticket is still active (they went back to the bot with
    /// 新问题): the question and its intake answers join that ticket, its holder hears it, and the
    /// associate is told where it went, every time.
    func merge(_ request: TicketRequest, into active: Ticket, from requester: Person, now: Date, in db: Database) throws
        -> [TicketNotice]
    {
        try own(active.number, requester: requester.userID, in: db, now: now)
        let answers = request.intake.compactMap { answer in
            answer.answer.map { "\(answer.question.split(separator: "（").first.map(String.init) ?? answer.question)：\($0)" }
        }
        let text = ([request.question] + answers).joined(separator: "\n")
        try store.record(
            TicketMessage(ticket: active.number, at: now, direction: .fromAssociate, author: requester.userID, text: text), in: db
        )
        try store.record(
            TicketEvent(
                ticket: active.number, at: now, actor: requester.userID, kind: .associateWrote, text: text,
                detail: request.reasons.map(\.rawValue).joined(separator: ",")), in: db)
        let relayed = texts.associateWrote.filled([
            "ticket": "\(active.number)", "requester": requesterLabel(active), "text": text,
        ])
        let told = texts.mergedIntoActive.filled(["ticket": "\(active.number)", "holder": holder(active)])
        try store.record(
            TicketMessage(ticket: active.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
        return [
            .agents(active.assignee.map { [$0] } ?? active.offeredTo, .text(relayed)), .associate(requester.userID, .text(told)),
        ]
    }

    /// Who a new ticket is offered to. Inside working hours: the member chosen among those on duty and
    /// under the team's cap (fewest active tickets, preferring whoever handled the same store lately), or
    /// every such member when the team offers to everyone; when none is available, everyone on duty (the
    /// lead when no one is). Outside working hours an urgent ticket goes at once to the on-call members
    /// and the lead; any other waits for the team to open (empty).
    func offerees(in team: Team, priority: TicketPriority, store requesterStore: String?, now: Date, in db: Database)
        throws -> [String]
    {
        guard team.calendar.isWorking(at: now) else {
            guard priority == .urgent else { return [] }
            let onCall = team.everyone.filter { $0 == team.lead || team.onCall.contains($0) }
            return onCall.isEmpty ? team.everyone : onCall
        }
        let duty = try store.duty(of: team.everyone, in: db)
        let onDuty = { (agent: String) in !(duty[agent]?.isOff(at: now) ?? false) }
        let counts = try store.activeCounts(of: team.members, in: db)
        let available = { (agent: String) in onDuty(agent) && team.cap.map { counts[agent, default: 0] < $0 } ?? true }
        if team.offersToEveryone {
            let free = team.members.filter(available)
            if !free.isEmpty { return Self.unique(free + [team.lead].compactMap { $0 }.filter(onDuty)) }
        } else {
            let recent = try store.storesHandled(since: now.addingTimeInterval(-Self.storeAffinity), in: db)
            let chosen = Assignment.chooseMember(
                of: team, openTickets: counts, recentStores: recent, store: requesterStore, isAvailable: available)
            if let chosen { return [chosen] }
        }
        let present = team.everyone.filter(onDuty)
        return present.isEmpty ? [team.lead ?? team.everyone.first].compactMap { $0 } : present
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The conversation of `requester` belongs to the ticket `number` (the bot stays silent in it).
    func own(_ number: TicketNumber?, requester: String, in db: Database, now: Date) throws {
        var state = try conversations.state(of: requester, in: db)
        guard state.ticket != number else { return }
        state.ticket = number
        if number != nil { state.mode = .idle }
        try conversations.save(state, of: requester, at: now, in: db)
    }

    /// The team a ticket is with (the default team when its team left the configuration).
    func team(of ticket: Ticket) -> Team {
        routing.team(ticket.team) ?? routing.route(category: nil, region: nil, categoryTeam: nil)
    }
}
