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
        case .addImage(let line, let mediaID):
            var notices = try associate(.add(line), on: number, by: person, now: now, in: db)
            guard ticket.status.isActive else { return notices }
            // The picture itself right after the line that says who sent it.
            let recipients = ticket.assignee.map { [$0] } ?? ticket.offeredTo
            let at = notices.firstIndex { if case .agents = $0 { true } else { false } }.map { $0 + 1 } ?? notices.endIndex
            notices.insert(.agents(recipients, .image(mediaID: mediaID)), at: at)
            return notices
        case .add(let text):
            guard ticket.status.isActive else {
                return say(texts.ticketEnded.filled(["ticket": "\(number)", "status": ticket.status.label]))
            }
            try store.record(
                TicketMessage(ticket: number, at: now, direction: .fromAssociate, author: person.userID, text: text), in: db)
            try store.record(
                TicketEvent(ticket: number, at: now, actor: person.userID, kind: .associateWrote, text: text), in: db)
            let relayed = texts.associateWrote.filled([
                "ticket": "\(number)", "requester": requesterLabel(ticket), "text": text,
            ])
            var notices: [TicketNotice] = [.agents(ticket.assignee.map { [$0] } ?? ticket.offeredTo, .text(relayed))]
            // Nobody has it yet: tell the associate it was added, at most once an hour.
            if ticket.assignee == nil,
                ticket.lastAddedNoticeAt.map({ now.timeIntervalSince($0) >= Self.addedNoticeInterval }) ?? true
            {
                ticket.lastAddedNoticeAt = now
                try store.update(ticket, in: db)
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
            try store.update(ticket, in: db)
            try store.record(TicketEvent(ticket: number, at: now, actor: person.userID, kind: .withdrawn), in: db)
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

    /// 满意, 不满意 or 没解决 on a resolved ticket: kept; 不满意 tells the lead; 没解决 reopens it to
    /// the same agent. A ticket already rated or not resolved is not rated again.
    func rate(_ ticket: inout Ticket, _ rating: TicketRating, by person: Person, now: Date, in db: Database) throws
        -> [TicketNotice]
    {
        let values = ["ticket": "\(ticket.number)"]
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
            // Back to the same agent; the next issue adds the rules around reopening (72 hours, off duty).
            // The rating is recorded on the timeline; the ticket can be rated again once resolved again.
            ticket.rating = nil
            ticket.ratedAt = nil
            ticket.status = ticket.assignee == nil ? .open : .assigned
            ticket.resolvedAt = nil
            try store.record(TicketEvent(ticket: ticket.number, at: now, actor: person.userID, kind: .reopened), in: db)
            try own(ticket.number, requester: ticket.requester, in: db, now: now)
            let recipients = ticket.assignee.map { [$0] } ?? ticket.offeredTo
            notices.append(.agents(recipients, .text(texts.reopenedToAgent.filled(values))))
            let told = texts.reopened.filled(["ticket": "\(ticket.number)", "agent": agentName])
            try store.record(
                TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
            notices.append(.associate(person.userID, .text(told)))
        }
        try store.update(ticket, in: db)
        return notices
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
