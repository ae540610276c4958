import Categories
import Foundation
import GRDB

extension TicketDesk {
    /// Carries out `command` by `agent`. Every command gets a one-line acknowledgement (`acknowledge`:
    /// the API's callers get the ticket instead); a wrong number or someone else's ticket gets a clear
    /// one-line answer, as a notice (not an error), so the agent reads it in WeCom.
    /// - Parameter tap: the card tap the command came from, if any.
    public func agent(
        _ command: AgentCommand, by agent: Person, tap: CardTap? = nil, acknowledge: Bool = true, now: Date, in db: Database
    ) throws -> [TicketNotice] {
        do {
            return try perform(command, by: agent, tap: tap, acknowledge: acknowledge, now: now, in: db)
        } catch let error as TicketDeskError {
            var notices: [TicketNotice] = [.agents([agent.userID], .text(message(for: error)))]
            // A tap on a card already taken greys out the tapper's card with who has it.
            if let tap, case .taken(_, let name) = error {
                notices.append(.staleTap(tap, label: texts.takenBy.filled(["agent": name])))
            } else if let tap, case .notActive(_, let status) = error {
                notices.append(.staleTap(tap, label: status.label))
            }
            return notices
        }
    }

    /// The one-line answer to an action that cannot be done.
    public func message(for error: TicketDeskError) -> String {
        switch error {
        case .notFound(let number): texts.notFoundForAgent.filled(["ticket": "\(number)"])
        case .notYours(let number, let holder): texts.notYours.filled(["ticket": "\(number)", "holder": holder])
        case .taken(let number, let name): texts.alreadyTaken.filled(["ticket": "\(number)", "agent": name])
        case .notActive(let number, let status): texts.notActiveForAgent.filled(["ticket": "\(number)", "status": status.label])
        case .unknownTarget(let target): texts.unknownTarget.filled(["target": target])
        case .alreadyWith(let number, let holder): texts.alreadyWith.filled(["ticket": "\(number)", "holder": holder])
        case .notResolved(let number, let status): texts.notResolved.filled(["ticket": "\(number)", "status": status.label])
        }
    }

    /// `command` by `agent`, throwing `TicketDeskError` for what cannot be done (the API maps it to a status).
    public func perform(
        _ command: AgentCommand, by agent: Person, tap: CardTap? = nil, acknowledge: Bool = true, now: Date, in db: Database
    ) throws -> [TicketNotice] {
        var notices: [TicketNotice] = []
        func ack(_ text: String) { if acknowledge { notices.append(.agents([agent.userID], .text(text))) } }
        switch command {
        case .help:
            ack(texts.help)
        case .myTickets:
            let mine = try store.tickets(TicketFilter(statuses: [.assigned, .waiting], assignee: agent.userID), in: db)
            ack(mine.isEmpty ? texts.noMyTickets : ([texts.myTicketsIntro] + mine.map(listLine)).joined(separator: "\n"))
        case .queue:
            let teams = routing.teams(of: agent.userID).map(\.id)
            let open = teams.isEmpty ? [] : try store.tickets(TicketFilter(statuses: [.open], teams: teams), in: db)
            ack(open.isEmpty ? texts.emptyQueue : ([texts.queueIntro] + open.map(listLine)).joined(separator: "\n"))
        case .incomplete(let number, let verb):
            let values = ["ticket": "\(number)"]
            ack(
                texts.incompleteCommand.filled(
                    values.merging(["verb": verb, "usage": texts.usage[verb, default: ""].filled(values)]) { $1 }))
        case .details(let number):
            let ticket = try existing(number, in: db)
            // Another team's case (the store, what was asked) is not every agent's to read.
            try requireTeam(ticket, agent)
            var text = caseText(ticket, team: team(of: ticket))
            let recent = try store.transcript(of: number, in: db).suffix(6)
            if !recent.isEmpty {
                text +=
                    "\n最近消息：\n"
                    + recent.map { ($0.direction == .fromAssociate ? "门店：" : "回复：") + $0.text }.joined(separator: "\n")
            }
            ack(text)
        case .claim(let number):
            var ticket = try existing(number, in: db)
            try requireActive(ticket)
            if ticket.assignee == agent.userID {
                ack(texts.alreadyYours.filled(["ticket": "\(number)"]))
                if let tap { notices.append(.staleTap(tap, label: texts.takenBy.filled(["agent": agent.displayName]))) }
                return notices
            }
            notices += try claim(&ticket, by: agent, tap: tap, now: now, in: db)
            ack(texts.claimAck.filled(["ticket": "\(number)"]))
        case .reply(let number, let text):
            var ticket = try existing(number, in: db)
            try requireActive(ticket)
            if ticket.assignee == nil { notices += try claim(&ticket, by: agent, tap: nil, now: now, in: db) }
            try requireHolder(ticket, agent)
            notices.append(try relay(text, on: &ticket, by: agent, now: now, in: db))
            ack(texts.replyAck.filled(["ticket": "\(number)", "requester": ticket.requesterName ?? ticket.requester]))
        case .forward(let attachment):
            let kind = ["kind": attachment.kind.label]
            guard let number = try ticketRecentlyWorked(by: agent.userID, now: now, in: db) else {
                ack(texts.forwardWithoutTicket.filled(kind))
                return notices
            }
            var ticket = try existing(number, in: db)
            // A line that says whose it is, then the media itself.
            let line = ConversationReducer.line(attachment.kind.label, nil)
            notices.append(try relay(line, on: &ticket, by: agent, now: now, in: db))
            notices.append(.associate(ticket.requester, .attachment(attachment)))
            ack(
                texts.forwardAck.filled(
                    kind.merging(["ticket": "\(number)", "requester": ticket.requesterName ?? ticket.requester]) { $1 }))
        case .note(let number, let text):
            let ticket = try existing(number, in: db)
            try requireTeam(ticket, agent)
            try store.record(TicketEvent(ticket: number, at: now, actor: agent.userID, kind: .noted, text: text), in: db)
            ack(texts.noteAck.filled(["ticket": "\(number)"]))
        case .resolve(let number, let summary):
            var ticket = try existing(number, in: db)
            try requireActive(ticket)
            if ticket.assignee == nil { notices += try claim(&ticket, by: agent, tap: nil, now: now, in: db) }
            try requireHolder(ticket, agent)
            notices += try resolve(&ticket, summary: summary, by: agent, now: now, in: db)
            ack(texts.resolveAck.filled(["ticket": "\(number)"]))
        case .wait(let number, let question):
            var ticket = try existing(number, in: db)
            try requireActive(ticket)
            if ticket.assignee == nil { notices += try claim(&ticket, by: agent, tap: nil, now: now, in: db) }
            try requireHolder(ticket, agent)
            notices += try wait(&ticket, question: question, by: agent, now: now, in: db)
            let remind = timers.storeCalendar.adding(timers.waitReminderAfter, to: ticket.waitingSince ?? now)
            ack(
                texts.waitAck.filled([
                    "ticket": "\(number)",
                    "remind": remind.map { Self.when($0, from: now, in: timers.storeHours.timeZone) } ?? "稍后",
                ]))
        case .reopen(let number):
            var ticket = try existing(number, in: db)
            guard ticket.status == .resolved else { throw TicketDeskError.notResolved(number, ticket.status) }
            try requireTeam(ticket, agent)
            notices += try reopen(&ticket, by: agent.userID, now: now, in: db)
        case .offDuty:
            notices += try setDuty(of: agent, on: false, now: now, in: db, acknowledge: acknowledge)
        case .onDuty:
            notices += try setDuty(of: agent, on: true, now: now, in: db, acknowledge: acknowledge)
        case .reassign(let number, let target) where target.isEmpty:
            // The 转派 button: a card cannot ask whom to, so the agent is told how.
            _ = try existing(number, in: db)
            ack(texts.reassignHint.filled(["ticket": "\(number)"]))
        case .reassign(let number, let target):
            var ticket = try existing(number, in: db)
            try requireActive(ticket)
            try requireTeam(ticket, agent)
            // A claimed ticket is its holder's to pass on (or the lead's): not anyone's in the team to take.
            if let assignee = ticket.assignee, assignee != agent.userID, team(of: ticket).lead != agent.userID {
                throw TicketDeskError.notYours(number, holder: holder(ticket))
            }
            notices += try reassign(&ticket, to: target, by: agent, tap: tap, now: now, in: db)
            ack(texts.reassignAck.filled(["ticket": "\(number)", "target": ticket.assigneeName ?? team(of: ticket).name]))
        }
        return notices
    }

    // MARK: - Steps

    /// `agent`'s `text` to the associate of `ticket`: on its transcript and timeline, a first response, and
    /// the notice that relays it ("【#1001 华南区营运支持 Amy】…").
    func relay(_ text: String, on ticket: inout Ticket, by agent: Person, now: Date, in db: Database) throws -> TicketNotice {
        let number = ticket.number
        try markFirstResponse(&ticket, now: now, in: db)
        try store.record(TicketEvent(ticket: number, at: now, actor: agent.userID, kind: .replied, text: text), in: db)
        try save(&ticket, in: db)
        try store.record(
            TicketMessage(ticket: number, at: now, direction: .toAssociate, author: agent.userID, text: text), in: db)
        let relayed = texts.agentReply.filled([
            "ticket": "\(number)", "team": team(of: ticket).name, "agent": agent.displayName, "text": text,
        ])
        return .associate(ticket.requester, .text(relayed))
    }

    /// `agent` takes the ticket: the associate hears who, and every offer card says it is taken.
    func claim(_ ticket: inout Ticket, by agent: Person, tap: CardTap?, now: Date, in db: Database) throws -> [TicketNotice] {
        try requireActive(ticket)
        if let assignee = ticket.assignee, assignee != agent.userID {
            throw TicketDeskError.taken(ticket.number, by: ticket.assigneeName ?? assignee)
        }
        try requireTeam(ticket, agent)
        ticket.assignee = agent.userID
        ticket.assigneeName = agent.displayName
        ticket.status = .assigned
        ticket.claimedAt = ticket.claimedAt ?? now
        ticket.heldSince = now
        try store.record(TicketEvent(ticket: ticket.number, at: now, actor: agent.userID, kind: .claimed), in: db)
        try save(&ticket, in: db)
        let told = texts.claimed.filled(["agent": agent.displayName, "ticket": "\(ticket.number)"])
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
        return [
            .offersTaken(cards: ticket.offerCards, label: texts.takenBy.filled(["agent": agent.displayName]), tap: tap),
            .associate(ticket.requester, .text(told)),
        ]
    }

    /// The ticket is resolved: the associate gets the summary and the rating card; the bot answers again.
    func resolve(_ ticket: inout Ticket, summary: String, by agent: Person, now: Date, in db: Database) throws -> [TicketNotice] {
        try markFirstResponse(&ticket, now: now, in: db)
        ticket.resolutionMinutes = try countedMinutes(.resolution, of: ticket, until: now, in: db)
        ticket.status = .resolved
        ticket.resolvedAt = now
        ticket.resolution = summary
        ticket.waitingSince = nil
        ticket.waitQuestion = nil
        try store.record(TicketEvent(ticket: ticket.number, at: now, actor: agent.userID, kind: .resolved, text: summary), in: db)
        try save(&ticket, in: db)
        let told = texts.resolved.filled(["ticket": "\(ticket.number)", "text": summary])
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: agent.userID, text: told), in: db)
        var state = try conversations.state(of: ticket.requester, in: db)
        // Only a conversation that was this ticket's waits for its rating: one the associate took back
        // with 新问题 may be in the middle of something else (a list, another hand-over's questions).
        if state.ticket == ticket.number {
            state.ticket = nil
            state.mode = .rating(ticket.number, resolvedAt: now)
            try conversations.save(state, of: ticket.requester, at: now, in: db)
        }
        let rating = ChoiceList(
            id: "sd-rate-\(ticket.number.rawValue)-\(Int(now.timeIntervalSince1970))", intro: texts.ratingIntro,
            items: TicketRating.allCases.map { .init(label: $0.label, action: .rate(ticket.number, $0)) },
            outro: texts.ratingOutro)
        return [.associate(ticket.requester, .text(told)), .associate(ticket.requester, .choices(rating))]
    }

    /// To another agent (assigned to them) or team (offered to it afresh).
    func reassign(
        _ ticket: inout Ticket, to target: String, by agent: Person, tap: CardTap?, now: Date, in db: Database
    ) throws -> [TicketNotice] {
        let previousCards = ticket.offerCards
        let previousHolder = ticket.assignee
        var notices: [TicketNotice] = []
        // A user id the file names, or the name an agent was shown under on an earlier ticket ("Amy").
        let targetAgent =
            try routing.agent(named: target)
            ?? store.agent(named: target, in: db).flatMap { routing.isAgent($0) ? $0 : nil }
        if targetAgent == nil, let team = routing.team(named: target) {
            ticket.team = team.id
            ticket.assignee = nil
            ticket.assigneeName = nil
            try endWait(&ticket, actor: agent.userID, now: now, in: db)
            ticket.status = .open
            notices += try offerAfresh(&ticket, team: team, now: now, in: db)
        } else if let target = targetAgent {
            guard target != ticket.assignee else { throw TicketDeskError.alreadyWith(ticket.number, holder: holder(ticket)) }
            ticket.assignee = target
            ticket.assigneeName = try store.knownName(of: target, in: db) ?? target
            // A ticket waiting on the store keeps waiting: the store's answer goes to the new holder.
            if ticket.status != .waiting { ticket.status = .assigned }
            ticket.claimedAt = ticket.claimedAt ?? now
            ticket.heldSince = now
            if let team = routing.teams(of: target).first, !routing.teams(of: target).contains(where: { $0.id == ticket.team }) {
                ticket.team = team.id
            }
            let intro = texts.reassignedToYou.filled(["ticket": "\(ticket.number)", "agent": agent.displayName])
            notices.append(.agents([target], .text(intro + "\n" + caseText(ticket, team: team(of: ticket)))))
        } else {
            throw TicketDeskError.unknownTarget(target)
        }
        // The agent who had it hears it left them (unless they passed it on themselves), and so does the store.
        if let previousHolder, previousHolder != agent.userID, previousHolder != ticket.assignee {
            notices.append(
                .agents(
                    [previousHolder],
                    .text(texts.reassignedAway.filled(["ticket": "\(ticket.number)", "agent": agent.displayName]))))
        }
        let holderNow = ticket.assigneeName ?? team(of: ticket).name
        let told = texts.reassignedForAssociate.filled(["ticket": "\(ticket.number)", "holder": holderNow])
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
        notices.append(.associate(ticket.requester, .text(told)))
        try store.record(
            TicketEvent(
                ticket: ticket.number, at: now, actor: agent.userID, kind: .reassigned,
                detail: ticket.assignee ?? ticket.team.rawValue), in: db)
        try save(&ticket, in: db)
        if !previousCards.isEmpty {
            notices.insert(.offersTaken(cards: previousCards, label: texts.reassignedLabel, tap: tap), at: 0)
        }
        return notices
    }

    /// How long after an agent last acted on a ticket (replied, claimed, asked the store, resolved, passed
    /// it on, noted) a picture, voice message or video they send goes to its store: WeCom's media carry no
    /// ticket number.
    public static let forwardWindow: TimeInterval = 30 * 60

    /// What counts as acting on a ticket for `forwardWindow`.
    private static let actsOnTicket: Set<TicketEvent.Kind> = [.replied, .claimed, .waiting, .resolved, .reassigned, .noted]

    /// The ticket `agent` last acted on within `forwardWindow`, if they still hold it and it is active:
    /// media sent right after resolving or passing on a ticket are not for whichever other ticket they hold.
    public func ticketRecentlyWorked(by agent: String, now: Date, in db: Database) throws -> TicketNumber? {
        guard
            let latest = try store.latestEvent(
                by: agent, kinds: Self.actsOnTicket, since: now.addingTimeInterval(-Self.forwardWindow), in: db),
            let ticket = try store.ticket(latest.ticket, in: db), ticket.status.isActive, ticket.assignee == agent
        else { return nil }
        return ticket.number
    }

    // MARK: - Checks

    func existing(_ number: TicketNumber, in db: Database) throws -> Ticket {
        guard let ticket = try store.ticket(number, in: db) else { throw TicketDeskError.notFound(number) }
        return ticket
    }

    func requireActive(_ ticket: Ticket) throws {
        guard ticket.status.isActive else { throw TicketDeskError.notActive(ticket.number, ticket.status) }
    }

    /// The agent may work on it: it was offered to them, or they are in its team (or lead it).
    func requireTeam(_ ticket: Ticket, _ agent: Person) throws {
        let inTeam = team(of: ticket).everyone.contains(agent.userID)
        guard inTeam || ticket.offeredTo.contains(agent.userID) || ticket.assignee == agent.userID else {
            throw TicketDeskError.notYours(ticket.number, holder: holder(ticket))
        }
    }

    /// Only the agent who has it replies and resolves.
    func requireHolder(_ ticket: Ticket, _ agent: Person) throws {
        guard ticket.assignee == agent.userID else {
            throw TicketDeskError.notYours(ticket.number, holder: holder(ticket))
        }
    }

    /// One line of a list: `#1001 待认领 · 广州天河店 · 问题`.
    func listLine(_ ticket: Ticket) -> String {
        "\(ticket.number) \(ticket.status.label) · \(ticket.store ?? "未知门店") · \(ticket.subject)"
    }
}
