import Categories
import Foundation
import GRDB

extension TicketDesk {
    /// What an associate did about the ticket `number` (their own, or for 进度 one of their store's).
    public func associate(
        _ action: AssociateTicketAction, on number: TicketNumber, by person: Person, now: Date, in db: Database
    ) throws -> [TicketNotice] {
        func say(_ text: String) -> [TicketNotice] { [.associate(person.userID, .text(text))] }
        let values = ["ticket": "\(number)"]
        guard var ticket = try store.ticket(number, in: db) else { return say(texts.noSuchTicket.filled(values)) }
        let sameStore = ticket.store != nil && ticket.store == person.store
        guard ticket.requester == person.userID || (action == .progress && sameStore) else {
            // Another store's ticket: say no more than that it is not found.
            return say(texts.noSuchTicket.filled(values))
        }
        switch action {
        case .progress:
            return say(
                texts.progress.filled([
                    "ticket": "\(number)", "subject": ticket.subject, "status": ticket.status.label, "holder": holder(ticket),
                ]))
        case .addAttachment(let line, let attachment):
            var notices = try associate(.add(line), on: number, by: person, now: now, in: db)
            guard ticket.status.isActive else { return notices }
            // The media itself right after the line that says who sent it.
            let recipients = ticket.assignee.map { [$0] } ?? ticket.offeredTo
            let at = notices.firstIndex { if case .agents = $0 { true } else { false } }.map { $0 + 1 } ?? notices.endIndex
            notices.insert(.agents(recipients, .attachment(attachment)), at: at)
            return notices
        case .add(let text):
            // A closed ticket never reopens: what the associate writes about it opens a follow-up.
            if ticket.status == .closed, ticket.resolvedAt != nil, ticket.requester == person.userID {
                return try followUp(of: ticket, text: text, by: person, now: now, in: db)
            }
            guard ticket.status.isActive else {
                return say(texts.ticketEnded.filled(["ticket": "\(number)", "status": ticket.status.label]))
            }
            try store.record(
                TicketMessage(ticket: number, at: now, direction: .fromAssociate, author: person.userID, text: text), in: db)
            try store.record(
                TicketEvent(ticket: number, at: now, actor: person.userID, kind: .associateWrote, text: text), in: db)
            var relayed = texts.associateWrote.filled([
                "ticket": "\(number)", "requester": requesterLabel(ticket), "text": text,
            ])
            // The store answered the agent's question: the SLA runs again.
            if ticket.status == .waiting, ticket.requester == person.userID {
                try endWait(&ticket, actor: person.userID, now: now, in: db)
                ticket.status = ticket.assignee == nil ? .open : .assigned
                try save(&ticket, in: db)
                relayed += "\n" + texts.storeAnswered
            }
            var notices: [TicketNotice] = [.agents(ticket.assignee.map { [$0] } ?? ticket.offeredTo, .text(relayed))]
            // Nobody has it yet: tell the associate it was added, at most once an hour.
            if ticket.assignee == nil,
                ticket.lastAddedNoticeAt.map({ now.timeIntervalSince($0) >= Self.addedNoticeInterval }) ?? true
            {
                ticket.lastAddedNoticeAt = now
                try save(&ticket, in: db)
                notices += say(texts.addedToTicket.filled(values))
            }
            return notices
        case .returnToBot:
            try store.record(TicketEvent(ticket: number, at: now, actor: person.userID, kind: .returnedToBot), in: db)
            return say(texts.returnedToBot.filled(["ticket": "\(number)", "team": team(of: ticket).name]))
        case .withdraw:
            guard ticket.status.isActive else {
                return say(texts.ticketEnded.filled(["ticket": "\(number)", "status": ticket.status.label]))
            }
            ticket.status = .closed
            ticket.closedAt = now
            try store.record(TicketEvent(ticket: number, at: now, actor: person.userID, kind: .withdrawn), in: db)
            try save(&ticket, in: db)
            try own(nil, requester: ticket.requester, in: db, now: now)
            let told = texts.withdrawn.filled(values)
            try store.record(TicketMessage(ticket: number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
            return [
                .agents(ticket.assignee.map { [$0] } ?? ticket.offeredTo, .text(texts.associateWithdrew.filled(values))),
                .offersTaken(cards: ticket.offerCards, label: texts.withdrawnLabel, tap: nil),
                .associate(person.userID, .text(told)),
            ]
        case .rate(let rating):
            return try rate(&ticket, rating, by: person, now: now, in: db)
        }
    }

    /// 满意, 不满意 or 没解决 on a resolved ticket: kept; 不满意 tells the lead; 没解决 within the reopen
    /// window reopens it to the same agent (their team when they are off duty). 没解决 on a closed one
    /// (or one resolved longer ago than the window) opens a follow-up ticket linked to it. A ticket
    /// already rated or not resolved is not rated again.
    func rate(_ ticket: inout Ticket, _ rating: TicketRating, by person: Person, now: Date, in db: Database) throws
        -> [TicketNotice]
    {
        let values = ["ticket": "\(ticket.number)"]
        if rating == .unresolved, ticket.resolvedAt != nil {
            if ticket.status == .resolved, let resolvedAt = ticket.resolvedAt,
                now.timeIntervalSince(resolvedAt) > timers.reopenWindow
            {
                // The scheduler has not closed it yet (it was stopped): closed now, as it should be.
                try close(&ticket, reason: .resolved, now: now, in: db)
            }
            if ticket.status == .closed {
                return try followUp(of: ticket, text: rating.label, by: person, now: now, in: db)
            }
        }
        guard ticket.status == .resolved, ticket.rating == nil else {
            return [.associate(person.userID, .text(texts.alreadyRated.filled(values)))]
        }
        if rating == .unresolved, let active = try store.activeTicket(of: ticket.requester, in: db),
            active.number != ticket.number
        {
            // One active ticket per conversation: an old rating card cannot reopen a ticket over a newer one.
            let values = ["ticket": "\(ticket.number)", "active": "\(active.number)"]
            return [.associate(person.userID, .text(texts.unresolvedWhileActive.filled(values)))]
        }
        ticket.rating = rating
        ticket.ratedAt = now
        try store.record(
            TicketEvent(ticket: ticket.number, at: now, actor: person.userID, kind: .rated, text: rating.rawValue), in: db)
        var notices: [TicketNotice] = []
        let agentName = ticket.assigneeName ?? ticket.assignee ?? "-"
        switch rating {
        case .satisfied:
            notices.append(.associate(person.userID, .text(texts.ratingThanks)))
        case .unsatisfied:
            if let lead = team(of: ticket).lead {
                notices.append(
                    .agents([lead], .text(texts.unsatisfied.filled(["ticket": "\(ticket.number)", "agent": agentName]))))
            }
            notices.append(.associate(person.userID, .text(texts.ratingSorry)))
        case .unresolved:
            // The rating is recorded on the timeline; the ticket can be rated again once resolved again.
            ticket.rating = nil
            ticket.ratedAt = nil
            return try reopen(&ticket, by: person.userID, now: now, in: db)
        }
        try save(&ticket, in: db)
        return notices
    }

    /// A resolved ticket back in work: to its agent when they are on duty, else offered to the team; the
    /// SLA runs again (the time it spent resolved does not count). The conversation is the ticket's again.
    func reopen(_ ticket: inout Ticket, by actor: String, now: Date, in db: Database) throws -> [TicketNotice] {
        let values = ["ticket": "\(ticket.number)"]
        let team = team(of: ticket)
        let agentName = ticket.assigneeName ?? ticket.assignee ?? team.name
        ticket.resolvedAt = nil
        ticket.resolutionMinutes = nil
        try store.record(TicketEvent(ticket: ticket.number, at: now, actor: actor, kind: .reopened), in: db)
        try own(ticket.number, requester: ticket.requester, in: db, now: now)
        var notices: [TicketNotice] = []
        let told: String
        if let assignee = ticket.assignee, try isOnDuty(assignee, in: team, now: now, in: db) {
            ticket.status = .assigned
            ticket.heldSince = now
            notices.append(.agents([assignee], .text(texts.reopenedToAgent.filled(values))))
            told = texts.reopened.filled(["ticket": "\(ticket.number)", "agent": agentName])
        } else {
            let previous = ticket.assignee
            ticket.assignee = nil
            ticket.assigneeName = nil
            ticket.status = .open
            if let previous {
                notices.append(.agents([previous], .text(texts.reopenedToAgent.filled(values))))
            }
            notices += try offerAfresh(&ticket, team: team, now: now, in: db)
            told =
                previous == nil
                ? texts.reopened.filled(["ticket": "\(ticket.number)", "agent": team.name])
                : texts.reopenedToTeam.filled(["ticket": "\(ticket.number)", "agent": agentName, "team": team.name])
        }
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
        notices.append(.associate(ticket.requester, .text(told)))
        try save(&ticket, in: db)
        return notices
    }

    /// A follow-up of the closed ticket `previous`: a new ticket with its team, category and priority,
    /// linked both ways. An associate with a ticket still active gets `text` added to that one instead.
    func followUp(of previous: Ticket, text: String, by person: Person, now: Date, in db: Database) throws -> [TicketNotice] {
        let question = texts.followUpQuestion.filled(["previous": "\(previous.number)", "text": text])
        let request = TicketRequest(
            question: question, reasons: previous.reasons, category: previous.category, priority: previous.priority)
        var requester = person
        requester.store = requester.store ?? previous.store
        requester.region = requester.region ?? previous.region
        if let active = try store.activeTicket(of: person.userID, in: db) {
            return try merge(request, into: active, from: requester, now: now, in: db)
        }
        return try start(
            request, for: requester, team: team(of: previous), categoryName: previous.categoryName, followUpOf: previous.number,
            now: now, in: db
        ).notices
    }

    /// 本店工单: the active tickets of the associate's store (their own when the store is unknown).
    public func storeTickets(for person: Person, in db: Database) throws -> [TicketNotice] {
        let active: [TicketStatus] = TicketStatus.allCases.filter(\.isActive)
        let tickets =
            if let store = person.store {
                try self.store.tickets(TicketFilter(statuses: active, store: store, limit: 20), in: db)
            } else {
                try self.store.activeTicket(of: person.userID, in: db).map { [$0] } ?? []
            }
        let text =
            tickets.isEmpty
            ? texts.noStoreTickets
            : ([texts.storeTicketsIntro] + tickets.map { "\(listLine($0))（\(holder($0))）" }).joined(separator: "\n")
        return [.associate(person.userID, .text(text))]
    }

    /// 王五·广州天河店.
    func requesterLabel(_ ticket: Ticket) -> String {
        [ticket.requesterName ?? ticket.requester, ticket.store].compactMap { $0 }.joined(separator: "·")
    }
}
