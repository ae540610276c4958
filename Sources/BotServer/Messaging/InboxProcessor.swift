import Categories
import Escalation
import Foundation
import GRDB
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import WeComAdapter

/// Handles accepted messages: one associate's in the order they arrived, different associates'
/// concurrently, so an associate whose message cannot be handled holds up only themselves.
///
/// At most `lanes` associates are handled at once; the others queue, first come first served. Handling
/// is mostly CPU and the database's single writer: more lanes than a few per core only lengthen the
/// writer's queue, behind which the callbacks' acks would wait.
///
/// At start it picks up every message accepted but not yet handled (after a crash or restart).
final class InboxProcessor: Service, Sendable {
    private let store: any InboxStore
    private let transaction: MessageTransaction
    private let knowledge: LiveKnowledge
    private let reducer: ConversationReducer
    private let renderer: WeComReplyRenderer
    private let clock: any WallClock
    private let directory: DirectoryCache
    private let outboxSignal: WorkSignal
    private let metrics: ServerMetrics
    private let logger: Logger
    private let lanes: Lanes
    private let users: AsyncStream<String>
    private let usersContinuation: AsyncStream<String>.Continuation
    /// Attempts at one message before it is set aside as failed.
    private let maxAttempts = 5
    /// How often conversations that need the bot without a message (an intake left unanswered) are looked for.
    private let sweepInterval: Duration

    init(
        transaction: MessageTransaction, knowledge: LiveKnowledge, settings: BotSettings, directory: DirectoryCache,
        outboxSignal: WorkSignal, clock: any WallClock, metrics: ServerMetrics, logger: Logger,
        sweepInterval: Duration = .seconds(30), lanes: Int = InboxProcessor.defaultLanes
    ) {
        self.sweepInterval = sweepInterval
        self.lanes = Lanes(limit: max(1, lanes))
        self.metrics = metrics
        self.store = transaction.inbox
        self.transaction = transaction
        self.knowledge = knowledge
        self.reducer = settings.reducer
        self.renderer = WeComReplyRenderer(cards: settings.cards)
        self.clock = clock
        self.directory = directory
        self.outboxSignal = outboxSignal
        self.logger = logger
        (users, usersContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Associates handled at once: a few per core, so that one waiting on WeCom's directory or a
    /// retry's backoff does not idle a core.
    static var defaultLanes: Int { 4 * max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Tells the processor that `userID` has a new message.
    func submit(_ userID: String) {
        usersContinuation.yield(userID)
    }

    func run() async throws {
        for user in try await store.usersWithPendingMessages() {
            logger.info("Resuming unprocessed messages", metadata: ["user": "\(user)"])
            submit(user)
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { sweeping in
                sweeping.addTask { await self.sweepDueConversations() }
                await withDiscardingTaskGroup { group in
                    for await user in users {
                        guard await lanes.begin(user) else { continue }
                        group.addTask {
                            // The lane's task goes on with the next associate waiting for a lane.
                            var next: String? = user
                            while let user = next {
                                await self.drain(user)
                                next = await self.lanes.finish(user)
                            }
                        }
                    }
                }
                sweeping.cancelAll()
            }
        } onGracefulShutdown: {
            self.usersContinuation.finish()
        }
    }

    /// Every `sweepInterval`, hands the associates whose conversation is due to their lanes, so that a
    /// hand-over whose intake questions went unanswered reaches a person without a message from them.
    private func sweepDueConversations() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: sweepInterval)
                let due = try await transaction.dueConversations(at: clock.now())
                for user in due {
                    await lanes.markDue(user)
                    submit(user)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("Cannot look for due conversations; will look again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Handles the associate's pending messages in order until none is left.
    private func drain(_ user: String) async {
        // On graceful shutdown a lane stops after its current message: what is left is handled at the next start.
        while !Task.isCancelled, !Task.isShuttingDownGracefully, let (record, conversation) = await nextMessage(of: user) {
            await handle(record, conversation: conversation)
        }
        if await lanes.takeDue(user) { await handleDue(user) }
    }

    /// Time passed in `user`'s conversation with no message (`ConversationInput.tick`): an intake left
    /// unanswered opens its ticket. In the associate's lane, so it never races their messages; a
    /// conversation that changed meanwhile is looked at again by the next sweep.
    private func handleDue(_ user: String) async {
        let metadata: Logger.Metadata = ["user": "\(user)"]
        do {
            let now = clock.now()
            let stored = try await transaction.conversation(of: user)
            let state = stored.state
            guard let due = state.dueAt, due <= now else { return }
            let snapshot = await knowledge.engine
            let person = await associate(user, now: now)
            let step = reducer.reduce(
                .tick, state: state, knowledge: snapshot,
                context: .init(
                    messageKey: "due:\(user):\(Int(due.timeIntervalSince1970))", region: person.region,
                    newChoiceID: ChoiceAction.newCardID()),
                now: now)
            let replies = renderer.messages(step.replies, to: user, in: Self.script(of: nil, states: [state]))
            let opened = try await transaction.complete(
                nil, messageKey: "due:\(user):\(Int(due.timeIntervalSince1970))", of: person, from: stored, step: step,
                replies: replies, categories: snapshot.knowledgeBase.categories, now: now)
            logger.notice("Intake left unanswered; the hand-over goes ahead", metadata: metadata)
            recordOpened(opened, metadata: metadata)
            await outboxSignal.notify()
        } catch is MessageTransaction.ConversationChanged {
            logger.debug("Conversation changed while it was due; the next sweep looks again", metadata: metadata)
        } catch {
            logger.error(
                "Cannot handle a due conversation; the next sweep tries again",
                metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// The associate `userID` as the directory knows them (their place routes a ticket).
    private func associate(_ userID: String, now: Date) async -> TicketDesk.Person {
        guard let place = await directory.place(of: userID, now: now) else { return TicketDesk.Person(userID: userID) }
        return TicketDesk.Person(userID: place.userID, name: place.name, store: place.store, region: place.region)
    }

    private func recordOpened(_ opened: [Ticket], metadata: Logger.Metadata) {
        for ticket in opened {
            metrics.ticketOpened(team: ticket.team.rawValue, reasons: ticket.reasons.map(\.rawValue))
            logger.notice(
                "Opened ticket",
                metadata: metadata.merging(
                    ["ticket": "\(ticket.number)", "team": "\(ticket.team)", "priority": "\(ticket.priority.rawValue)"]) { $1 })
        }
    }

    private func nextMessage(of user: String) async -> (InboxRecord, StoredConversation)? {
        do {
            return try await transaction.nextMessage(of: user)
        } catch {
            logger.error("Cannot read the inbox; will look again", metadata: ["user": "\(user)", "error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            // Ask for another pass, so the associate's messages are not left until their next one.
            submit(user)
            return nil
        }
    }

    /// Handles `record`, from `conversation` as read with it.
    private func handle(_ record: InboxRecord, conversation: StoredConversation) async {
        guard let id = record.id else { return }
        let metadata: Logger.Metadata = ["inbox": "\(id)", "key": "\(record.dedupeKey)", "user": "\(record.userID)"]
        do {
            let message = try CallbackMessage(xml: record.xml)
            if let (command, tap) = agentCommand(in: message, conversation: conversation.state) {
                try await handleAgent(command, tap: tap, message: message, record: record, metadata: metadata)
                return
            }
            // An agent's claim or a resolution may change the conversation meanwhile: then again, on the new state.
            var conversation = conversation
            for attempt in 1... {
                do {
                    try await handleAssociate(message, record: record, conversation: conversation, metadata: metadata)
                    break
                } catch is MessageTransaction.ConversationChanged where attempt < 5 {
                    logger.debug("Conversation changed while handling; handling again", metadata: metadata)
                    conversation = try await transaction.conversation(of: message.fromUser)
                }
            }
        } catch let failure as DatabaseError where StorageFailure(failure).isTheDatabasesOwn {
            // Not the message's fault: it is not set aside, only tried again (the lane waits, in order).
            logger.error(
                "Cannot store a message's handling; will retry",
                metadata: metadata.merging(["error": "\(StorageFailure(failure))"]) { $1 })
            try? await Task.sleep(for: .seconds(2))
        } catch {
            let giveUp = record.attempts + 1 >= maxAttempts
            logger.error(
                giveUp ? "Giving up on a message; it stays in the inbox as failed" : "Cannot handle message; will retry",
                metadata: metadata.merging(["error": "\(error)", "attempt": "\(record.attempts + 1)"]) { $1 })
            try? await store.recordFailure(of: id, error: "\(error)", giveUp: giveUp)
            if !giveUp {
                try? await Task.sleep(for: .milliseconds(200 << min(record.attempts, 6)))
            }
        }
    }

    /// The agent command in `message`: a typed one from an agent, a tap on a ticket card, or an agent's
    /// picture, voice message or video for a store (unless the agent has a ticket of their own open, as an
    /// associate: then it is for that ticket's agent).
    private func agentCommand(in message: CallbackMessage, conversation: ConversationState) -> (AgentCommand, CardTap?)? {
        switch message.content {
        case .templateCardEvent(let event):
            guard let action = TicketCardAction(cardKey: event.eventKey) else { return nil }
            let tap = CardTap(cardID: event.taskID, user: message.fromUser, token: event.responseCode)
            switch action {
            case .claim(let number): return (.claim(number), tap)
            case .reassign(let number): return (.reassign(number, to: ""), tap)
            }
        case .text(let text):
            guard transaction.desk.routing.isAgent(message.fromUser), let command = AgentCommand.parse(text) else { return nil }
            return (command, nil)
        case .image, .voice, .video:
            guard transaction.desk.routing.isAgent(message.fromUser), conversation.ticket == nil,
                let attachment = Attachment(message.content)
            else { return nil }
            return (.forward(attachment), nil)
        default:
            return nil
        }
    }

    private func handleAgent(
        _ command: AgentCommand, tap: CardTap?, message: CallbackMessage, record: InboxRecord, metadata: Logger.Metadata
    ) async throws {
        guard let id = record.id else { return }
        let now = clock.now()
        let place = await directory.place(of: message.fromUser, now: now)
        let agent = TicketDesk.Person(userID: message.fromUser, name: place?.name)
        let (notices, ticket) = try await transaction.completeAgentCommand(id, command: command, by: agent, tap: tap, now: now)
        if let ticket { metrics.ticketProgressed(ticket, at: now) }
        metrics.handlingTime.record(.seconds(max(0, clock.now().timeIntervalSince(record.receivedAt))))
        logger.info(
            "Handled agent command",
            metadata: metadata.merging(
                [
                    "command": "\(command.name)", "ticket": "\((ticket?.number ?? command.ticket).map { "\($0)" } ?? "-")",
                    "notices": "\(notices.count)",
                ]
            ) { $1 })
        if !notices.isEmpty { await outboxSignal.notify() }
    }

    private func handleAssociate(
        _ message: CallbackMessage, record: InboxRecord, conversation: StoredConversation, metadata: Logger.Metadata
    ) async throws {
        guard let id = record.id else { return }
        let now = clock.now()
        // One snapshot of the knowledge for the whole message: an edit meanwhile cannot mix versions.
        let snapshot = await knowledge.engine
        let state = conversation.state
        var step = ConversationReducer.Step(state: state, effects: [])
        var person = TicketDesk.Person(userID: message.fromUser)
        if let input = ConversationInput(message) {
            let hot = input == .opened ? try await hotQuestions(in: snapshot, now: now) : []
            // The place picks an entry's regional answer and routes a ticket.
            if input != .opened { person = await associate(message.fromUser, now: now) }
            step = reducer.reduce(
                input, state: state, knowledge: snapshot,
                context: .init(
                    messageKey: record.dedupeKey, region: person.region, hotQuestions: hot,
                    newChoiceID: ChoiceAction.newCardID()),
                now: now)
        }
        let script = Self.script(of: ConversationInput(message), states: [step.state, state])
        let replies = renderer.messages(step.replies, to: message.fromUser, in: script)
        let opened = try await transaction.complete(
            id, messageKey: record.dedupeKey, of: person, from: conversation, step: step, replies: replies,
            categories: snapshot.knowledgeBase.categories, now: now)
        let logged = step.loggedQuestion
        let reasons = logged?.assessment.reasons.map { $0.rawValue }.joined(separator: ",") ?? ""
        if let logged {
            (metrics.questions[logged.kind] ?? metrics.followUps[logged.kind])?.increment()
        }
        for case .feedback(_, let helpful) in step.effects {
            (helpful ? metrics.feedbackHelpful : metrics.feedbackUnhelpful).increment()
        }
        recordOpened(opened, metadata: metadata)
        metrics.handlingTime.record(.seconds(max(0, clock.now().timeIntervalSince(record.receivedAt))))
        logger.info(
            "Handled message",
            metadata: metadata.merging(
                [
                    "replies": "\(replies.count)", "decision": "\(logged?.kind ?? "-")",
                    "reasons": "\(reasons)", "ticket": "\(step.state.ticket.map { "\($0)" } ?? "-")",
                ]) { $1 })
        await outboxSignal.notify()
    }

    /// The script the associate writes in, for the bot's replies: this message's; for one either script
    /// writes alike (a number, a tap, 好的, opening the app), that of the question the conversation is
    /// about; simplified, the knowledge base's own, when nothing tells.
    private static func script(of input: ConversationInput?, states: [ConversationState]) -> ChineseScript {
        var texts: [String?] = []
        if case .text(let text) = input { texts.append(text) }
        for state in states {
            texts.append(state.lastQuestion?.text)
            switch state.mode {
            case .choosing(let choice): texts.append(choice.question)
            case .intake(let pending): texts.append(pending.request.question)
            // An answer's question is the entry's own when it was picked from a list: not the associate's writing.
            case .idle, .awaitingFeedback, .rating: break
            }
        }
        return texts.lazy.compactMap { $0.flatMap(ChineseScript.init(of:)) }.first ?? .simplified
    }

    /// The most answered entries of the last 30 days, topped up with each category's first entry.
    private func hotQuestions(in knowledge: QuestionEngine, now: Date) async throws -> [KnowledgeEntryID] {
        let asked = try await transaction.questionLog.mostAnsweredEntries(since: now.addingTimeInterval(-30 * 86400), limit: 3)
        let knowledgeBase = knowledge.knowledgeBase
        let firsts = knowledgeBase.categories.filter(\.isActive).compactMap { category in
            knowledgeBase.publishedEntries.first { $0.category == category.id }?.id
        }
        var hot = asked
        for id in firsts where hot.count < 3 && !hot.contains(id) { hot.append(id) }
        return hot
    }

    /// Which associates are being handled, so that each has at most one lane, and who waits for one.
    private actor Lanes {
        let limit: Int
        private var running: Set<String> = []
        /// Running associates with a message that came after their lane last looked.
        private var rerun: Set<String> = []
        private var waiting = CircularBuffer<String>()
        private var isWaiting: Set<String> = []
        private var due: Set<String> = []

        init(limit: Int) { self.limit = limit }

        /// True when a lane must start for `user` now; false when theirs runs already (it will look
        /// again) or they wait for a free lane.
        func begin(_ user: String) -> Bool {
            if running.contains(user) {
                rerun.insert(user)
                return false
            }
            guard !isWaiting.contains(user) else { return false }
            guard running.count < limit else {
                waiting.append(user)
                isWaiting.insert(user)
                return false
            }
            running.insert(user)
            return true
        }

        /// `user`'s conversation is due (`ConversationState.dueAt`): their lane looks at it after their messages.
        func markDue(_ user: String) { due.insert(user) }

        func takeDue(_ user: String) -> Bool { due.remove(user) != nil }

        /// `user`'s lane found nothing more: who the lane takes next (`user` again when a message came
        /// meanwhile, else the associate waiting longest), nil when it ends.
        func finish(_ user: String) -> String? {
            if rerun.remove(user) != nil { return user }
            running.remove(user)
            guard let next = waiting.popFirst() else { return nil }
            isWaiting.remove(next)
            running.insert(next)
            return next
        }
    }
}
