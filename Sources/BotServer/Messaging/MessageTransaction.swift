import Categories
import Escalation
import Foundation
import GRDB
import WeComAdapter

/// Applies what handling one message produced across the modules' stores, in one transaction with
/// marking the message handled: the conversation's new state, the question log, hand-overs, tickets,
/// feedback and the replies and notices queued in the outbox. A crash leaves either all of it or none
/// (the message is then handled again).
struct MessageTransaction: Sendable {
    let database: any DatabaseWriter
    let inbox: any InboxStore
    let outbox: any OutboxStore
    let conversations: any ConversationStore
    let questionLog: any QuestionLogStore
    let handOvers: any UnansweredQuestionStore
    let desk: TicketDesk
    let notices: TicketNoticeRenderer
    /// The outbox worker's signal: notified once a transaction that queued something outside the inbox
    /// (the ticket API) has committed, so that it goes out at once rather than at the worker's next look.
    let outboxSignal: WorkSignal

    /// The associate's conversation changed between reading it and writing the outcome (an agent
    /// resolved their ticket meanwhile): the message is handled again on the new state.
    struct ConversationChanged: Error {}

    /// - Parameter outboxSignal: the signal the outbox worker waits on (the inbox processor's too).
    /// - Parameter escalation: the settings the ticket desk follows (its targets, timers and managers); when
    ///   nil, `routing` with the standard targets and timers.
    init(
        database: any DatabaseWriter, routing: RoutingTable = EscalationSettings.standard.routing,
        escalation: EscalationSettings? = nil, cards: Bool = true, outboxSignal: WorkSignal = WorkSignal()
    ) {
        self.database = database
        self.outboxSignal = outboxSignal
        inbox = DatabaseInboxStore(database: database)
        outbox = DatabaseOutboxStore(writer: database)
        conversations = DatabaseConversationStore()
        questionLog = DatabaseQuestionLogStore(database: database)
        handOvers = DatabaseUnansweredQuestionStore(database: database)
        var desk = escalation.map { TicketDesk(settings: $0) } ?? TicketDesk(routing: routing)
        desk.leaders = DirectoryLeaders()
        self.desk = desk
        notices = TicketNoticeRenderer(replies: WeComReplyRenderer(cards: cards), texts: desk.texts)
    }

    /// What the bot remembers of the associate's conversation.
    func conversation(of userID: String) async throws -> StoredConversation {
        try await database.read { [conversations] db in try conversations.stored(of: userID, in: db) }
    }

    /// The associate's oldest message still to be handled, and their conversation, in one read.
    func nextMessage(of userID: String) async throws -> (InboxRecord, StoredConversation)? {
        try await database.read { [inbox, conversations] db in
            guard let record = try inbox.nextPendingMessage(of: userID, in: db) else { return nil }
            return (record, try conversations.stored(of: userID, in: db))
        }
    }

    /// Associates whose conversation needs the bot by `now` without a message from them, oldest first.
    func dueConversations(at now: Date, limit: Int = 200) async throws -> [String] {
        try await database.read { [conversations] db in try conversations.due(at: now, limit: limit, in: db) }
    }

    /// Keeps `step` for the message `inboxID` (key `messageKey`; nil for time passing with no message)
    /// of `person`, who was in `previous` when it was handled, and queues `replies` and what the tickets
    /// make people hear.
    /// - Throws: `ConversationChanged` when the state is no longer `previous`: nothing is written.
    /// - Returns: the tickets opened.
    @discardableResult
    func complete(
        _ inboxID: Int64?, messageKey: String, of person: TicketDesk.Person, from previous: StoredConversation,
        step: ConversationReducer.Step, replies: [OutgoingMessage], categories: [Category], now: Date
    ) async throws -> [Ticket] {
        try await database.write { [self] db in
            let userID = person.userID
            // Checked again just before anything is queued, so a bot reply never races a claim or a resolution.
            guard try conversations.revision(of: userID, in: db) == previous.revision else { throw ConversationChanged() }
            try conversations.save(step.state, of: userID, at: now, in: db)
            try outbox.enqueue(replies, inReplyTo: inboxID, at: now, in: db)
            var opened: [Ticket] = []
            var ticketNotices: [TicketNotice] = []
            for effect in step.effects {
                switch effect {
                case .reply:
                    break  // rendered into `replies`
                case .logQuestion(let logged):
                    try questionLog.append(
                        QuestionLogRecord(userID: userID, messageKey: messageKey, logged: logged, at: now), in: db)
                case .handOver(let handOver):
                    let assessment = handOver.assessment
                    try handOvers.record(
                        UnansweredQuestion(
                            userID: userID, text: handOver.question, candidates: assessment.candidates.map(\.entry.id),
                            confidence: assessment.confidence, category: assessment.category,
                            reasons: assessment.reasons.map(\.rawValue), messageKey: messageKey, createdAt: now),
                        in: db)
                case .openTicket(let request):
                    let opening = try desk.open(request, for: person, categories: categories, now: now, in: db)
                    try handOvers.link(ticket: opening.ticket.number.rawValue, toLatestOf: userID, in: db)
                    // A hand-over that joined the associate's active ticket is not a ticket opened.
                    if opening.isNew { opened.append(opening.ticket) }
                    ticketNotices += opening.notices
                case .ticket(let number, let action):
                    ticketNotices += try desk.associate(action, on: number, by: person, now: now, in: db)
                case .storeTickets:
                    ticketNotices += try desk.storeTickets(for: person, in: db)
                case .feedback(let answeredMessage, let helpful):
                    try questionLog.rate(messageKey: answeredMessage, helpful: helpful, in: db)
                }
            }
            try enqueue(ticketNotices, inReplyTo: inboxID, actor: nil, now: now, in: db)
            if let inboxID { try inbox.markHandled(inboxID, at: now, in: db) }
            return opened
        }
    }

    /// Carries out an agent's command (typed, or a tap on a ticket card) for the message `inboxID`.
    func completeAgentCommand(
        _ inboxID: Int64, command: AgentCommand, by agent: TicketDesk.Person, tap: CardTap?, now: Date
    ) async throws -> (notices: [TicketNotice], ticket: Ticket?) {
        try await database.write { [self] db in
            if let tap, let token = tap.token {
                // The tap's code allows one more update of the card, for a day from the tap (when the
                // callback was accepted): kept before the desk decides, which may use it.
                let tappedAt =
                    try Date.fetchOne(db, sql: "SELECT received_at FROM inbox WHERE id = ?", arguments: [inboxID]) ?? now
                try CardUpdateCodes.record(token, card: tap.cardID, member: tap.user, at: tappedAt, in: db)
            }
            let notices = try desk.agent(command, by: agent, tap: tap, now: now, in: db)
            try enqueue(notices, inReplyTo: inboxID, actor: agent.userID, now: now, in: db)
            try inbox.markHandled(inboxID, at: now, in: db)
            // Media name no ticket: the one they went to is the one the agent has just acted on.
            let touched =
                if case .forward = command {
                    try desk.ticketRecentlyWorked(by: agent.userID, now: now, in: db)
                } else {
                    command.ticket
                }
            return (notices, try touched.flatMap { try desk.store.ticket($0, in: db) })
        }
    }

    /// What `performForAPI` did.
    enum APIOutcome: Sendable, Equatable {
        /// Done now; the ticket as it is after it.
        case performed(Ticket?)
        /// Done before, by a request with the same `Idempotency-Key`: nothing was done again.
        case replayed
    }

    /// An action on a ticket through the API, by `agent`, without acknowledgements in WeCom. With an
    /// `idempotencyKey` that an earlier request used for the same action, nothing is done again. Once it
    /// has committed, the outbox worker is woken for what it queued.
    /// - Throws: `TicketDeskError` when it cannot be done; `IdempotencyKey.Reused` when the key was used
    ///   for another request.
    func performForAPI(_ command: AgentCommand, by agent: TicketDesk.Person, idempotencyKey: IdempotencyKey? = nil, now: Date)
        async throws -> APIOutcome
    {
        let (outcome, queued) = try await database.write { [self] db -> (APIOutcome, Bool) in
            if let idempotencyKey, try idempotencyKey.wasUsed(now: now, in: db) { return (.replayed, false) }
            let notices = try desk.perform(command, by: agent, acknowledge: false, now: now, in: db)
            try enqueue(notices, inReplyTo: nil, actor: agent.userID, now: now, in: db)
            try idempotencyKey?.keep(now: now, in: db)
            return (.performed(try command.ticket.flatMap { try desk.store.ticket($0, in: db) }), !notices.isEmpty)
        }
        if queued { await outboxSignal.notify() }
        return outcome
    }

    func enqueue(_ ticketNotices: [TicketNotice], inReplyTo inboxID: Int64?, actor: String?, now: Date, in db: Database) throws {
        guard !ticketNotices.isEmpty else { return }
        let items = try notices.items(ticketNotices, actor: actor, now: now, in: db)
        try outbox.enqueue(items, inReplyTo: inboxID, at: now, in: db)
    }
}
