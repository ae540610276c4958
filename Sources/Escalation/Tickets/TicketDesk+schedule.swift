import Foundation
import GRDB

extension TicketDesk {
    // MARK: - Keeping the schedule

    /// Stores `ticket` with its due times and next check worked out again from its history: every
    /// change goes through here, so what is stored always follows from the timeline (record a change's
    /// event before saving it).
    func save(_ ticket: inout Ticket, in db: Database) throws {
        let schedule = try schedule(of: ticket, in: db)
        ticket.responseDueAt = schedule.due.firstResponse
        ticket.resolutionDueAt = schedule.due.resolution
        ticket.firstResponseWarnAt = schedule.due.firstResponseWarning
        ticket.resolutionWarnAt = schedule.due.resolutionWarning
        ticket.nextCheckAt = schedule.nextCheck
        try store.update(ticket, in: db)
    }

    /// The ticket's due times and alarms, from its history, its team's calendar and the targets.
    public func schedule(of ticket: Ticket, in db: Database) throws -> TicketSchedule {
        TicketSchedule.make(
            for: ticket, pauses: try pauses(of: ticket.number, in: db), team: team(of: ticket), policy: sla, timers: timers)
    }

    func pauses(of number: TicketNumber, in db: Database) throws -> [DateInterval] {
        TicketEvent.slaPauses(in: try store.events(of: number, in: db))
    }

    /// The minutes that counted towards the target of `kind` until `now` (working or clock minutes).
    func countedMinutes(_ kind: SLAKind, of ticket: Ticket, until now: Date, in db: Database) throws -> Int {
        let seconds = sla.target(kind, for: ticket.priority).elapsed(
            from: ticket.createdAt, to: now, calendar: team(of: ticket).calendar,
            pausedDuring: try pauses(of: ticket.number, in: db))
        return Int((seconds / 60).rounded())
    }

    /// A person's first message to the store: the first response, with the minutes it took.
    func markFirstResponse(_ ticket: inout Ticket, now: Date, in db: Database) throws {
        guard ticket.firstReplyAt == nil else { return }
        ticket.firstReplyAt = now
        ticket.firstResponseMinutes = try countedMinutes(.firstResponse, of: ticket, until: now, in: db)
    }

    /// Every ticket not yet closed gets its due times and next check again: after a start, so that a
    /// changed calendar or target takes effect. Returns how many changed.
    @discardableResult
    public func recomputeSchedules(in db: Database) throws -> Int {
        var changed = 0
        for number in try store.watchedTickets(in: db) {
            guard var ticket = try store.ticket(number, in: db) else { continue }
            let before = ticket
            try save(&ticket, in: db)
            if ticket != before { changed += 1 }
        }
        return changed
    }

    // MARK: - The clock

    /// The tickets with an alarm due by `now`, earliest first.
    public func dueTickets(at now: Date, limit: Int = 100, in db: Database) throws -> [TicketNumber] {
        try store.dueTickets(at: now, limit: limit, in: db)
    }

    /// Acts on the alarms of ticket `number` due by `now` and records each as done, in the caller's
    /// transaction: the notices it returns are queued in the same one, so a crash loses none and
    /// repeats none.
    public func tick(_ number: TicketNumber, now: Date, in db: Database) throws -> TicketTick {
        guard var ticket = try store.ticket(number, in: db) else { return TicketTick(ticket: nil) }
        let schedule = try schedule(of: ticket, in: db)
        let alarms = schedule.alarms(dueAt: now)
        var notices: [TicketNotice] = []
        for alarm in alarms {
            let at = schedule.entries.first { $0.alarm == alarm }?.at ?? now
            notices += try act(alarm, dueAt: at, on: &ticket, now: now, in: db)
            ticket.alarmsDone.append(alarm.key)
        }
        // A warning passed over for its breach is done too.
        for entry in schedule.entries where entry.at <= now && !ticket.alarmsDone.contains(entry.alarm.key) {
            ticket.alarmsDone.append(entry.alarm.key)
        }
        try save(&ticket, in: db)
        return TicketTick(ticket: ticket, fired: alarms, notices: notices)
    }

    func act(_ alarm: TicketAlarm, dueAt: Date, on ticket: inout Ticket, now: Date, in db: Database) throws -> [TicketNotice] {
        let team = team(of: ticket)
        let values = ["ticket": "\(ticket.number)"]
        switch alarm {
        case .offer:
            return try offerAfresh(&ticket, team: team, now: now, in: db)
        case .returnToTeam:
            let previous = ticket.assignee ?? ticket.offeredTo.first
            let action = ticket.assignee == nil ? "认领" : "回复门店"
            let wasAssigned = ticket.assignee != nil
            ticket.assignee = nil
            ticket.assigneeName = nil
            ticket.status = .open
            ticket.heldSince = nil
            try store.record(
                TicketEvent(ticket: ticket.number, at: now, actor: "bot", kind: .returnedToTeam, detail: previous), in: db)
            var notices = try offerAfresh(&ticket, team: team, now: now, in: db, excluding: previous, whole: true)
            if let previous {
                let after = timers.unresponsiveAfter.phrase
                notices.append(
                    .agents(
                        [previous],
                        .text(
                            texts.returnedToTeamForAgent.filled(
                                values.merging(["after": after, "action": action, "team": team.name]) { $1 }))))
            }
            if wasAssigned {
                let told = texts.reassignedForAssociate.filled(["ticket": "\(ticket.number)", "holder": team.name])
                try store.record(
                    TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
                notices.append(.associate(ticket.requester, .text(told)))
            }
            return notices
        case .warn(let kind):
            let recipients = ticket.assignee.map { [$0] } ?? ticket.offeredTo
            return try slaAlarm(.slaWarning, texts.slaWarning, kind, to: recipients, ticket, dueAt: dueAt, now: now, in: db)
        case .breach(let kind):
            switch kind {
            case .firstResponse: ticket.firstResponseBreachedAt = dueAt
            case .resolution: ticket.resolutionBreachedAt = dueAt
            }
            let recipients = Self.unique((ticket.assignee.map { [$0] } ?? ticket.offeredTo) + [team.lead].compactMap { $0 })
            return try slaAlarm(.slaBreach, texts.slaBreach, kind, to: recipients, ticket, dueAt: dueAt, now: now, in: db)
        case .manager(let kind):
            guard let manager = try manager(of: ticket, team: team, in: db) else { return [] }
            return try slaAlarm(.slaBreach, texts.slaManager, kind, to: [manager], ticket, dueAt: dueAt, now: now, in: db)
        case .remindStore:
            let close = timers.storeCalendar.adding(timers.waitCloseAfter, to: ticket.waitingSince ?? now)
            let told = texts.storeReminder.filled(
                values.merging([
                    "text": ticket.waitQuestion ?? "",
                    "close": close.map { Self.when($0, from: now, in: timers.storeHours.timeZone) } ?? "稍后",
                ]) { $1 })
            try store.record(TicketEvent(ticket: ticket.number, at: now, actor: "bot", kind: .storeReminded), in: db)
            try store.record(
                TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
            return [.associate(ticket.requester, .text(told))]
        case .closeWaiting:
            try close(&ticket, reason: .noAnswer, now: now, in: db)
            let told = texts.waitExpiredForAssociate.filled(values)
            try store.record(
                TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: "bot", text: told), in: db)
            try own(nil, ifOwnedBy: ticket.number, requester: ticket.requester, now: now, in: db)
            let holder = ticket.assignee.map { [$0] } ?? ticket.offeredTo
            return [
                .associate(ticket.requester, .text(told)), .agents(holder, .text(texts.waitExpiredForAgent.filled(values))),
            ]
        case .close:
            try close(&ticket, reason: .resolved, now: now, in: db)
            return []
        }
    }

    /// An SLA alarm: recorded on the timeline with who was told, and the text `template` to them (none
    /// when nobody holds or is offered the ticket).
    private func slaAlarm(
        _ event: TicketEvent.Kind, _ template: String, _ kind: SLAKind, to recipients: [String], _ ticket: Ticket,
        dueAt: Date, now: Date, in db: Database
    ) throws -> [TicketNotice] {
        try store.record(
            TicketEvent(
                ticket: ticket.number, at: now, actor: "bot", kind: event, text: recipients.joined(separator: ","),
                detail: kind.rawValue), in: db)
        guard !recipients.isEmpty else { return [] }
        return [.agents(recipients, .text(slaText(template, kind, ticket, due: dueOf(kind, ticket) ?? dueAt, now: now)))]
    }

    /// The last rung of a breach's ladder: the region's manager in escalation.yaml (or its `*`), else
    /// the team lead's own direct leader in the directory; nil when neither names anyone.
    private func manager(of ticket: Ticket, team: Team, in db: Database) throws -> String? {
        if let manager = managers[ticket.region ?? ""] ?? managers["*"] { return manager }
        guard let lead = team.lead, let leaders else { return nil }
        return try leaders.directLeaders(of: lead, in: db).first { $0 != lead }
    }

    private func dueOf(_ kind: SLAKind, _ ticket: Ticket) -> Date? {
        kind == .firstResponse ? ticket.responseDueAt : ticket.resolutionDueAt
    }

    private func slaText(_ template: String, _ kind: SLAKind, _ ticket: Ticket, due: Date, now: Date) -> String {
        let team = team(of: ticket)
        return template.filled([
            "ticket": "\(ticket.number)", "target": texts.slaTargetNames[kind] ?? kind.rawValue,
            "due": Self.when(due, from: now, in: team.calendar.timeZone), "holder": holder(ticket), "team": team.name,
            "store": ticket.store ?? "未知门店", "subject": ticket.subject,
        ])
    }

    /// Closed for good (`reason` on the timeline); a wait under way ends with it.
    func close(_ ticket: inout Ticket, reason: TicketCloseReason, now: Date, in db: Database) throws {
        ticket.status = .closed
        ticket.closedAt = now
        try store.record(
            TicketEvent(ticket: ticket.number, at: now, actor: "bot", kind: .closed, detail: reason.rawValue), in: db)
        ticket.waitingSince = nil
        try save(&ticket, in: db)
    }

    /// The conversation goes back to the bot if it was this ticket's.
    func own(_ number: TicketNumber?, ifOwnedBy ticket: TicketNumber, requester: String, now: Date, in db: Database) throws {
        guard try conversations.state(of: requester, in: db).ticket == ticket else { return }
        try own(number, requester: requester, in: db, now: now)
    }

    // MARK: - Offers, duty, waits

    /// Offers the ticket to `team` now (its old cards are greyed out): to whom `offerees` says, or with
    /// `whole` to everyone on duty but `excluding`. Outside working hours a non-urgent ticket is offered
    /// when the team opens instead (`TicketAlarm.offer`).
    func offerAfresh(
        _ ticket: inout Ticket, team: Team, now: Date, in db: Database, excluding: String? = nil, whole: Bool = false
    ) throws -> [TicketNotice] {
        var offeredTo = try offerees(in: team, priority: ticket.priority, store: ticket.store, now: now, in: db)
        if whole, !offeredTo.isEmpty {
            let duty = try store.duty(of: team.everyone, in: db)
            let present = team.everyone.filter { $0 != excluding && !(duty[$0]?.isOff(at: now) ?? false) }
            offeredTo = present.isEmpty ? team.everyone : present
        }
        var notices: [TicketNotice] = []
        let previousCards = ticket.offerCards
        ticket.offeredTo = offeredTo
        // One offeree: their time to claim counts from now. None: the offer waits from now.
        ticket.heldSince = offeredTo.count <= 1 ? now : nil
        if offeredTo.isEmpty {
            // The team opens later: the offer alarm goes off again then.
            ticket.alarmsDone.removeAll { $0 == TicketAlarm.offer.key }
        } else {
            let offer = offer(ticket, team: team)
            ticket.offerCards.append(offer.cardID)
            try store.record(
                TicketEvent(
                    ticket: ticket.number, at: now, actor: "bot", kind: .offered, detail: offeredTo.joined(separator: ",")),
                in: db)
            notices.append(.agents(offeredTo, .offer(offer)))
        }
        if !previousCards.isEmpty {
            notices.insert(.offersTaken(cards: previousCards, label: texts.returnedLabel, tap: nil), at: 0)
        }
        return notices
    }

    /// Whether `agent` can take work now: `team` is working and they have not said 下班.
    func isOnDuty(_ agent: String, in team: Team, now: Date, in db: Database) throws -> Bool {
        guard team.calendar.isWorking(at: now) else { return false }
        return !(try store.duty(of: [agent], in: db)[agent]?.isOff(at: now) ?? false)
    }

    /// 下班 (until the agent's next working period, by their first team's calendar) or 上班.
    func setDuty(of agent: Person, on: Bool, now: Date, in db: Database, acknowledge: Bool) throws -> [TicketNotice] {
        let teams = routing.teams(of: agent.userID)
        guard let team = teams.first else {
            return acknowledge ? [.agents([agent.userID], .text(texts.notAnAgentTeam))] : []
        }
        if on {
            try store.setDuty(AgentDuty(agent: agent.userID, offUntil: nil, changedAt: now), in: db)
            return acknowledge ? [.agents([agent.userID], .text(texts.onDutyAck))] : []
        }
        // Off until their next working period: past the time any of their teams works on from now (a
        // member of two teams whose hours overlap is done when the later one closes), the first opening.
        var end = now
        while let later = teams.compactMap({ $0.calendar.stretchEnd(at: end) }).max(), later > end { end = later }
        let next = teams.compactMap { team in
            (end == now ? team.calendar.nextWorkingStart(after: now) : team.calendar.workingStart(atOrAfter: end))
                .map { (start: $0, timeZone: team.calendar.timeZone) }
        }.min { $0.start < $1.start }
        let until = next?.start ?? now.addingTimeInterval(86_400)
        try store.setDuty(AgentDuty(agent: agent.userID, offUntil: until, changedAt: now), in: db)
        guard acknowledge else { return [] }
        var text = texts.offDutyAck.filled(["until": Self.when(until, from: now, in: next?.timeZone ?? team.calendar.timeZone)])
        let holding = try store.activeCounts(of: [agent.userID], in: db)[agent.userID] ?? 0
        if holding > 0 { text += "\n" + texts.offDutyHolding.filled(["count": "\(holding)"]) }
        return [.agents([agent.userID], .text(text))]
    }

    /// `#1001 等待 <question>`: the question goes to the store and the SLA pauses until it answers.
    func wait(_ ticket: inout Ticket, question: String, by agent: Person, now: Date, in db: Database) throws -> [TicketNotice] {
        try markFirstResponse(&ticket, now: now, in: db)
        if ticket.status != .waiting {
            ticket.status = .waiting
            ticket.waitingSince = now
        }
        ticket.waitQuestion = question
        try store.record(TicketEvent(ticket: ticket.number, at: now, actor: agent.userID, kind: .waiting, text: question), in: db)
        // The answer must reach the agent: a conversation the associate took back with 新问题 is the
        // ticket's again, unless the bot is in the middle of something with them.
        let state = try conversations.state(of: ticket.requester, in: db)
        if state.ticket == nil, state.mode(at: now) == .idle {
            try own(ticket.number, requester: ticket.requester, in: db, now: now)
        }
        try store.record(
            TicketMessage(ticket: ticket.number, at: now, direction: .toAssociate, author: agent.userID, text: question), in: db)
        try save(&ticket, in: db)
        let told = texts.waitQuestion.filled([
            "ticket": "\(ticket.number)", "team": team(of: ticket).name, "agent": agent.displayName, "text": question,
        ])
        return [.associate(ticket.requester, .text(told))]
    }

    /// A wait under way ends (the store answered, or the ticket left its holder): the SLA runs again.
    func endWait(_ ticket: inout Ticket, actor: String, now: Date, in db: Database) throws {
        guard ticket.status == .waiting else { return }
        try store.record(TicketEvent(ticket: ticket.number, at: now, actor: actor, kind: .resumed), in: db)
        ticket.waitingSince = nil
        ticket.waitQuestion = nil
    }
}
