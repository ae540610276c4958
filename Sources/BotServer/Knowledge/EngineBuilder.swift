import Categories
import NIOPosix

/// Builds and calibrates question engines off the request path, on a thread of its own, and keeps the
/// last few built, so the same knowledge base is not trained twice (a rollback to the previous version,
/// or several applications given one builder in the tests).
///
/// Its own `NIOThreadPool` threads, not Swift concurrency's shared pool: seconds of training there would
/// starve the requests. One build at a time on one thread, which spreads the training's independent
/// pieces over a second pool of one thread per core (`ThreadPoolWorkers`). Provisional engines, which an
/// admin's edit waits for, have a thread of their own: an edit never waits behind a calibration that
/// runs in the background (seconds, more with a large knowledge base).
final class EngineBuilder: Sendable {
    private let pool: NIOThreadPool
    /// Provisional engines only: quick, and awaited by a request.
    private let provisionalPool: NIOThreadPool
    /// The training's parallel pieces, one thread per core.
    private let workers = ThreadPoolWorkers()
    private let cache = EngineCache()

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        provisionalPool = NIOThreadPool(numberOfThreads: 1)
        provisionalPool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
        provisionalPool.shutdownGracefully { _ in }
    }

    /// A fully calibrated engine for `knowledgeBase` with `settings`' answering policy and lexicon.
    func calibrated(for knowledgeBase: KnowledgeBase, settings: BotSettings) async -> QuestionEngine {
        let key = EngineCache.Key(
            knowledgeBase: knowledgeBase, policy: settings.matching, lexicon: settings.lexicon, intents: settings.intents,
            sentenceModel: settings.embedder?.modelName)
        return await cache.engine(for: key) {
            await self.run(on: self.pool) { [workers = self.workers] in
                settings.makeEngine(for: knowledgeBase, workers: workers)
            }
        }
    }

    /// An engine whose ranker is trained on `knowledgeBase` and whose calibration is `calibrated`'s: an
    /// admin's edit, answerable in a fraction of a second, until the full calibration lands.
    func provisional(for knowledgeBase: KnowledgeBase, reusing calibrated: QuestionEngine) async -> QuestionEngine {
        await run(on: provisionalPool) { [workers] in
            QuestionEngine(knowledgeBase: knowledgeBase, reusingCalibrationOf: calibrated, workers: workers)
        }
    }

    private func run<Result: Sendable>(on pool: NIOThreadPool, _ work: @escaping @Sendable () -> Result) async -> Result {
        do {
            return try await pool.runIfActive(work)
        } catch {
            // Only after the pool was shut down, which happens when the builder is gone.
            return work()
        }
    }
}

/// The most recently built engines. Concurrent requests for the same knowledge base share one build.
actor EngineCache {
    private static let capacity = 4

    struct Key: Hashable, Sendable {
        var categories: [Category]
        var entries: [KnowledgeEntry]
        var policy: MatchingPolicy
        var lexicon: SignalLexicon
        var synonyms: [SynonymGroup]
        /// Compared by the fingerprint of its corpus.
        var intents: IntentsSource?
        var sentenceModel: String?

        init(
            knowledgeBase: KnowledgeBase, policy: MatchingPolicy, lexicon: SignalLexicon, intents: IntentsSource?,
            sentenceModel: String?
        ) {
            synonyms = knowledgeBase.synonyms
            categories = knowledgeBase.categories
            entries = knowledgeBase.publishedEntries
            self.policy = policy
            self.lexicon = lexicon
            self.intents = intents
            self.sentenceModel = sentenceModel
        }
    }

    /// Most recent first; a build under way is a task that has not finished yet.
    private var builds: [(key: Key, task: Task<QuestionEngine, Never>)] = []

    func engine(for key: Key, build: @escaping @Sendable () async -> QuestionEngine) async -> QuestionEngine {
        if let existing = builds.first(where: { $0.key == key }) { return await existing.task.value }
        // A task, not a child: callers that come while it runs await the same build.
        let task = Task { await build() }
        builds.insert((key, task), at: 0)
        if builds.count > Self.capacity { builds.removeLast() }
        return await task.value
    }
}
