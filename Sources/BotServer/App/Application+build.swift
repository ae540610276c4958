import AsyncHTTPClient
import Categories
import Escalation
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WeComAdapter

/// The request context of every route.
typealias AppRequestContext = BasicRequestContext

/// Builds the whole server from its configuration: database, knowledge base, workers, routes.
///
/// `main` and the tests call this same function.
func buildApplication(
    _ configuration: AppConfiguration, httpClient: HTTPClient = .shared, engines: EngineBuilder = EngineBuilder(),
    clock: any WallClock = SystemWallClock(), logger baseLogger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var logger = baseLogger ?? Logger(label: "StoreDesk")
    logger.logLevel = configuration.logLevel

    let database = try AppDatabase.open(in: configuration.dataDirectory)
    let adminToken = try AdminToken.resolve(
        configured: configuration.adminToken, dataDirectory: configuration.dataDirectory, logger: logger)

    let knowledgeStore = DatabaseKnowledgeStore(database: database.writer)
    try await seedKnowledgeIfEmpty(knowledgeStore, from: configuration.configDirectory, logger: logger)
    let knowledgeBase = try await knowledgeStore.knowledgeBase()
    logger.info(
        "Knowledge base loaded",
        metadata: ["categories": "\(knowledgeBase.categories.count)", "entries": "\(knowledgeBase.entries.count)"])
    // Calibrated once the server runs (seconds; longer for a large knowledge base): callbacks are stored
    // and acknowledged meanwhile, so a restart under load does not make WeCom give up on messages.
    let knowledge = LiveKnowledge(
        calibratingWhenStarted: knowledgeBase, settings: configuration.bot, builder: engines, logger: logger)
    configuration.sentenceModel.log(to: logger)
    configuration.intents.log(to: logger)
    for warning in configuration.escalationWarnings {
        logger.warning("escalation.yaml: \(warning)")
    }
    let routing = configuration.escalation.routing
    for (category, line) in routing.unknownCategories(known: Set(knowledgeBase.categories.map(\.id))) {
        // A warning, never a refusal: categories come and go through imports.
        logger.warning(
            "escalation.yaml routes a category the knowledge base does not have",
            metadata: ["category": "\(category)", "line": "\(line.map(String.init) ?? "-")"])
    }
    logger.info(
        "Escalation routing loaded",
        metadata: ["teams": "\(routing.teams.count)", "rules": "\(routing.rules.count)", "default": "\(routing.defaultTeam)"])
    let outboxSignal = WorkSignal()
    let transaction = MessageTransaction(
        database: database.writer, escalation: configuration.escalation, cards: configuration.bot.cards,
        outboxSignal: outboxSignal)
    let metrics = ServerMetrics()
    var services: [any Service] = [knowledge]
    var directoryLookup: (any DirectoryLookup)?
    let channel: WeComCallbackController<AppRequestContext>.Channel
    switch configuration.weCom {
    case .off(let reason):
        logger.warning("WeCom channel off", metadata: ["reason": "\(reason)"])
        channel = .off(reason: reason)
    case .on(let app):
        do {
            let crypto = try WeComCrypto(token: app.token, encodingAESKey: app.encodingAESKey, receiveID: app.corpID)
            let client = WeComAPIClient(
                configuration: WeComAPIConfiguration(
                    baseURL: app.apiBase, corpID: app.corpID, agentID: app.agentID, secret: app.secret,
                    retryPolicy: RetryPolicy(
                        maxAttempts: configuration.outbox.apiRetry.attempts,
                        initialBackoff: configuration.outbox.apiRetry.initialBackoff),
                    requestTimeout: configuration.outbox.apiRetry.requestTimeout),
                httpClient: httpClient, logger: logger)
            // Directory lookups sit in front of an associate's answer: one quick attempt each, and
            // the common answer if WeCom is slow (the cache tries again later).
            directoryLookup = client.with(
                retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: DirectorySettings.lookupTimeout)
            services.append(
                OutboxWorker(
                    store: transaction.outbox, sender: client, settings: configuration.outbox,
                    signal: outboxSignal, metrics: metrics, logger: logger, now: { clock.now() }))
            channel = .on(CallbackDecoder(crypto: crypto, maxClockSkew: configuration.callbackClockSkew))
            logger.info(
                "WeCom channel on", metadata: ["corp": "\(app.corpID)", "agent": "\(app.agentID)", "api": "\(app.apiBase)"])
        } catch {
            let reason = "the WeCom channel is not configured: WECOM_AES_KEY is invalid (\(error))"
            logger.error("WeCom channel off", metadata: ["reason": "\(reason)"])
            channel = .off(reason: reason)
        }
    }

    let directory = DirectoryCache(
        database: database.writer, lookup: directoryLookup, settings: configuration.directory, logger: logger,
        overrides: configuration.escalation.overrides)
    let processor = InboxProcessor(
        transaction: transaction, knowledge: knowledge, settings: configuration.bot, directory: directory,
        outboxSignal: outboxSignal, clock: clock, metrics: metrics, logger: logger,
        sweepInterval: configuration.dueSweepInterval)
    services.insert(processor, at: 0)
    if let interval = configuration.holidayReminderInterval {
        services.append(
            HolidayReminder(
                database: database.writer, outbox: transaction.outbox, settings: configuration.escalation,
                signal: outboxSignal, clock: clock, logger: logger, interval: interval))
    }
    if let interval = configuration.ticketSweepInterval {
        services.append(
            TicketScheduler(transaction: transaction, clock: clock, metrics: metrics, logger: logger, interval: interval))
    }
    if configuration.retention.keep != nil, configuration.retention.sweepInterval != nil {
        services.append(
            RetentionSweeper(database: database.writer, settings: configuration.retention, clock: clock, logger: logger))
    }
    let leads = Set(transaction.desk.routing.teams.compactMap(\.lead)).sorted()
    if directoryLookup != nil, !leads.isEmpty {
        services.append(LeadDirectoryRefresh(directory: directory, leads: leads, clock: clock, logger: logger))
    }
    let readiness = Readiness(required: Set(services.map { String(describing: type(of: $0)) }))
    let router = buildRouter(
        database: database, transaction: transaction, processor: processor, channel: channel, metrics: metrics,
        readiness: readiness,
        admin: .init(
            token: adminToken, knowledgeStore: knowledgeStore, knowledge: knowledge, bot: configuration.bot,
            directory: directory, clock: clock))
    let (requestTimeout, serverLogger) = (TimeAmount(configuration.requestTimeout), logger)
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    RequestDeadlineHandler(limit: requestTimeout, logger: serverLogger)
                ],
                idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StoreDesk"),
        services: services.map { ReadinessTracked(service: $0, readiness: readiness) },
        logger: logger)
}

/// What the admin API works on.
struct AdminDependencies: Sendable {
    var token: String
    var knowledgeStore: any KnowledgeStore
    var knowledge: LiveKnowledge
    var bot: BotSettings
    var directory: DirectoryCache
    var clock: any WallClock
}

/// On first start the knowledge base is seeded from `Config/categories.jsonl` and `knowledge.jsonl`;
/// after that the database is the source of truth and admins change it through the API.
func seedKnowledgeIfEmpty(_ store: any KnowledgeStore, from directory: URL, logger: Logger) async throws {
    guard try await store.isEmpty() else { return }
    let categories = directory.appendingPathComponent("categories.jsonl")
    let entries = directory.appendingPathComponent("knowledge.jsonl")
    do {
        let categoryLines = try JSONLines.decodeNumbered(Category.self, from: try Data(contentsOf: categories))
        let entryLines = try JSONLines.decodeNumbered(KnowledgeEntry.self, from: try Data(contentsOf: entries))
        _ = try await store.importCategories(categoryLines, mode: .merge, author: "seed")
        let count = try await store.importEntries(entryLines, mode: .merge, author: "seed")
        let synonyms = directory.appendingPathComponent("synonyms.jsonl")
        if FileManager.default.fileExists(atPath: synonyms.path) {
            for (_, group) in try JSONLines.decodeNumbered(SynonymGroup.self, from: try Data(contentsOf: synonyms)) {
                try await store.saveSynonyms(group)
            }
        }
        logger.notice("Seeded the knowledge base", metadata: ["entries": "\(count)", "from": "\(directory.path)"])
    } catch {
        throw ConfigurationError("cannot seed the knowledge base from \(directory.path): \(error)")
    }
}

/// The routes of the server.
func buildRouter(
    database: AppDatabase, transaction: MessageTransaction, processor: InboxProcessor,
    channel: WeComCallbackController<AppRequestContext>.Channel, metrics: ServerMetrics, readiness: Readiness,
    admin: AdminDependencies
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(
        database: database, readiness: readiness, metrics: metrics, knowledge: admin.knowledge,
        teams: transaction.desk.routing.teams.map(\.id.rawValue)
    ).addRoutes(to: router)
    DocumentationController<AppRequestContext>().addRoutes(to: router)
    WeComCallbackController(
        channel: channel, inbox: transaction.inbox, processor: processor, metrics: metrics, readiness: readiness,
        buttonChosenLabel: admin.bot.replies.buttonChosen, clock: admin.clock
    )
    .addRoutes(to: router.group("wecom/callback"))
    let api = router.group("api/v1").add(middleware: AdminAuthMiddleware(token: admin.token))
    let editor = KnowledgeEditor(store: admin.knowledgeStore, live: admin.knowledge)
    KnowledgeAdminController(editor: editor).addRoutes(to: api)
    KnowledgeEntryController(editor: editor).addRoutes(to: api)
    CategoryController(editor: editor).addRoutes(to: api)
    SynonymController(editor: editor).addRoutes(to: api)
    AskController(knowledge: admin.knowledge, reducer: admin.bot.reducer, directory: admin.directory, clock: admin.clock)
        .addRoutes(to: api)
    UnansweredController(
        questions: DatabaseUnansweredQuestionStore(database: database.writer), editor: editor, clock: admin.clock
    )
    .addRoutes(to: api)
    FeedbackController(log: DatabaseQuestionLogStore(database: database.writer)).addRoutes(to: api)
    let desk = transaction.desk
    RoutingController(
        settings: EscalationSettings(
            routing: desk.routing, resolution: desk.resolution, timers: desk.timers, managers: desk.managers),
        clock: admin.clock
    ).addRoutes(to: api)
    TicketController(
        database: database.writer, transaction: transaction, directory: admin.directory, clock: admin.clock, metrics: metrics
    ).addRoutes(to: api)
    // Last, after every route: it wraps only the router's "no such route" answer (405 for a known path).
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ($0.path, $0.method) }))
    return router
}
