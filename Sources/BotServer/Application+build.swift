import AsyncHTTPClient
import Categories
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WeComAdapter

/// The request context of every route.
typealias AppRequestContext = BasicRequestContext

/// Builds the whole server from its configuration: database, knowledge base, workers, routes.
///
/// `main` and the tests call this same function.
func buildApplication(
    _ configuration: AppConfiguration, httpClient: HTTPClient = .shared, logger baseLogger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var logger = baseLogger ?? Logger(label: "StoreDesk")
    logger.logLevel = configuration.logLevel

    let database = try AppDatabase.open(in: configuration.dataDirectory)
    _ = try AdminToken.resolve(
        configured: configuration.adminToken, dataDirectory: configuration.dataDirectory, logger: logger)

    let knowledgeBase: KnowledgeBase
    do {
        knowledgeBase = try KnowledgeBase.load(fromDirectory: configuration.configDirectory)
    } catch {
        throw ConfigurationError("cannot load the knowledge base from \(configuration.configDirectory.path): \(error)")
    }
    logger.info(
        "Knowledge base loaded",
        metadata: ["categories": "\(knowledgeBase.categories.count)", "entries": "\(knowledgeBase.entries.count)"])

    let answerer = FirstAnswerer(
        knowledgeBase: knowledgeBase, minimumScore: configuration.bot.answerMinimumScore,
        minimumMargin: configuration.bot.answerMinimumMargin)
    let engine = ConversationEngine(answerer: answerer, settings: configuration.bot)
    let store = DatabaseMessageStore(database: database)
    let metrics = ServerMetrics()
    let outboxSignal = WorkSignal()
    let processor = InboxProcessor(store: store, engine: engine, outboxSignal: outboxSignal, logger: logger)

    var services: [any Service] = [processor]
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
            services.append(
                OutboxWorker(
                    store: store, sender: client, settings: configuration.outbox, signal: outboxSignal, metrics: metrics,
                    logger: logger))
            channel = .on(crypto)
            logger.info(
                "WeCom channel on", metadata: ["corp": "\(app.corpID)", "agent": "\(app.agentID)", "api": "\(app.apiBase)"])
        } catch {
            let reason = "the WeCom channel is not configured: WECOM_AES_KEY is invalid (\(error))"
            logger.error("WeCom channel off", metadata: ["reason": "\(reason)"])
            channel = .off(reason: reason)
        }
    }

    let readiness = Readiness(required: Set(services.map { String(describing: type(of: $0)) }))
    let router = buildRouter(
        database: database, store: store, processor: processor, channel: channel, metrics: metrics,
        readiness: readiness)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StoreDesk"),
        services: services.map { ReadinessTracked(service: $0, readiness: readiness) },
        logger: logger)
}

/// The routes of the server.
func buildRouter(
    database: AppDatabase, store: any MessageStore, processor: InboxProcessor,
    channel: WeComCallbackController<AppRequestContext>.Channel, metrics: ServerMetrics, readiness: Readiness
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(database: database, readiness: readiness, metrics: metrics).addRoutes(to: router)
    WeComCallbackController(channel: channel, store: store, processor: processor, metrics: metrics)
        .addRoutes(to: router.group("wecom/callback"))
    return router
}
