import Categories
import Escalation
import Foundation
import Hummingbird
import Logging

@testable import BotServer

/// The server's message handling over a given database, wired as `buildApplication` wires it, with the
/// shipped seed knowledge base, no WeCom directory and the system clock: for tests that need the real
/// pieces without a whole application (a processor with a lane limit, a router over a database the
/// test can make refuse writes).
struct TestPipeline {
    let database: AppDatabase
    let bot = BotSettings()
    let knowledgeStore: DatabaseKnowledgeStore
    let knowledge: LiveKnowledge
    let transaction: MessageTransaction
    let directory: DirectoryCache
    let metrics = ServerMetrics()
    let clock = SystemWallClock()
    let logger: Logger

    /// - Parameter calibrateWhenStarted: leave the first engine to `knowledge.run()`, as `buildApplication` does.
    init(database: AppDatabase, logger: Logger, calibrateWhenStarted: Bool = false) async throws {
        self.database = database
        self.logger = logger
        knowledgeStore = DatabaseKnowledgeStore(database: database.writer)
        try await seedKnowledgeIfEmpty(knowledgeStore, from: TestConfiguration.seedConfig, logger: logger)
        let knowledgeBase = try await knowledgeStore.knowledgeBase()
        knowledge =
            calibrateWhenStarted
            ? LiveKnowledge(
                calibratingWhenStarted: knowledgeBase, settings: bot, builder: TestConfiguration.engines, logger: logger)
            : await LiveKnowledge(knowledgeBase: knowledgeBase, settings: bot, builder: TestConfiguration.engines)
        transaction = MessageTransaction(database: database.writer)
        directory = DirectoryCache(database: database.writer, lookup: nil, settings: DirectorySettings(), logger: logger)
    }

    /// The inbox processor, with `lanes` associates at a time.
    func processor(lanes: Int = InboxProcessor.defaultLanes) -> InboxProcessor {
        InboxProcessor(
            transaction: transaction, knowledge: knowledge, settings: bot, directory: directory, outboxSignal: WorkSignal(),
            clock: clock, metrics: metrics, logger: logger, lanes: lanes)
    }

    /// The server's own router (`buildRouter`) with the WeCom callback `channel` and admin token `token`;
    /// callbacks go to `processor` (by default one that is not running).
    func router(
        channel: WeComCallbackController<AppRequestContext>.Channel, token: String, processor: InboxProcessor? = nil
    ) -> Router<AppRequestContext> {
        buildRouter(
            database: database, transaction: transaction, processor: processor ?? self.processor(), channel: channel,
            metrics: metrics,
            readiness: Readiness(required: []),
            admin: AdminDependencies(
                token: token, knowledgeStore: knowledgeStore, knowledge: knowledge, bot: bot, directory: directory,
                clock: clock))
    }

    /// A text message from `user` as WeCom's decrypted XML.
    static func textXML(from user: String, _ text: String, msgID: Int) -> String {
        "<xml><ToUserName><![CDATA[\(TestWeCom.corpID)]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>"
            + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\(text)]]></Content>"
            + "<MsgId>\(msgID)</MsgId><AgentID>\(TestWeCom.agentID)</AgentID></xml>"
    }
}
