import Categories
import Foundation
import Synchronization

/// The question engine over the current knowledge base, replaced whole when an admin changes the
/// knowledge. Questions use the engine that is current when they arrive and never wait on a rebuild.
///
/// An edit is answerable at once: a large knowledge base's index is patched where the entries changed
/// (milliseconds), a small one's ranker is retrained (a fraction of a second); either keeps the current
/// calibration. The full build and calibration then run in the background, once the edits have
/// paused, and replace it.
final class LiveKnowledge: Sendable {
    private let current: Mutex<(engine: QuestionEngine, generation: Int)>
    private let policy: MatchingPolicy
    private let lexicon: SignalLexicon
    /// How long after the last edit the full calibration starts.
    private let recalibrationDelay: Duration
    /// Admin changes, one at a time (`KnowledgeEditor`).
    let edits = AsyncSerialQueue()

    /// Builds and calibrates the first engine (seconds), before the server takes questions.
    init(
        knowledgeBase: KnowledgeBase, policy: MatchingPolicy, lexicon: SignalLexicon,
        recalibrationDelay: Duration = .seconds(2)
    ) async {
        self.policy = policy
        self.lexicon = lexicon
        self.recalibrationDelay = recalibrationDelay
        let engine = await Self.calibratedEngine(for: knowledgeBase, policy: policy, lexicon: lexicon)
        self.current = Mutex((engine, 0))
    }

    /// The engine to use now.
    var engine: QuestionEngine { current.withLock { $0.engine } }

    /// Makes `knowledgeBase` answerable now, and fully calibrated soon after.
    func replace(with knowledgeBase: KnowledgeBase) async {
        let calibrated = engine
        let provisional: QuestionEngine
        if let patched = QuestionEngine(patching: calibrated, to: knowledgeBase) {
            // Milliseconds, so done here rather than queued behind a build that may be running.
            provisional = patched
        } else {
            provisional = await BackgroundWork.run {
                QuestionEngine(knowledgeBase: knowledgeBase, reusingCalibrationOf: calibrated)
            }
        }
        let generation = current.withLock { state in
            state = (provisional, state.generation + 1)
            return state.generation
        }
        Task { [policy, lexicon, recalibrationDelay] in
            try? await Task.sleep(for: recalibrationDelay)
            guard current.withLock({ $0.generation }) == generation else { return }  // a later edit will do it
            let engine = await Self.calibratedEngine(for: knowledgeBase, policy: policy, lexicon: lexicon)
            current.withLock { state in
                if state.generation == generation { state.engine = engine }
            }
        }
    }

    private static func calibratedEngine(
        for knowledgeBase: KnowledgeBase, policy: MatchingPolicy, lexicon: SignalLexicon
    ) async -> QuestionEngine {
        let key = EngineCache.Key(knowledgeBase: knowledgeBase, policy: policy, lexicon: lexicon)
        return await EngineCache.shared.engine(for: key) {
            await BackgroundWork.run { QuestionEngine(knowledgeBase: knowledgeBase, policy: policy, lexicon: lexicon) }
        }
    }
}

/// Runs CPU-heavy work on a thread of its own and awaits the result, so that it never occupies the
/// threads Swift concurrency runs requests on. One piece of work runs at a time (each uses every core
/// already); the others wait, blocked, not spinning.
enum BackgroundWork {
    private static let turn = NSLock()

    static func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let result = turn.withLock { work() }
                continuation.resume(returning: result)
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
    }
}

/// The most recently built engines, so that the same knowledge base is not trained twice in one process
/// (a rollback to the previous version, or several applications in the tests). Concurrent requests for
/// the same knowledge base share one build.
actor EngineCache {
    static let shared = EngineCache()
    private static let capacity = 4

    struct Key: Hashable, Sendable {
        var categories: [Category]
        var entries: [KnowledgeEntry]
        var policy: MatchingPolicy
        var lexicon: SignalLexicon
        var synonyms: [SynonymGroup]

        init(knowledgeBase: KnowledgeBase, policy: MatchingPolicy, lexicon: SignalLexicon) {
            synonyms = knowledgeBase.synonyms
            categories = knowledgeBase.categories
            entries = knowledgeBase.publishedEntries
            self.policy = policy
            self.lexicon = lexicon
        }
    }

    /// Most recent first; a build under way is a task that has not finished yet.
    private var builds: [(key: Key, task: Task<QuestionEngine, Never>)] = []

    func engine(for key: Key, build: @escaping @Sendable () async -> QuestionEngine) async -> QuestionEngine {
        if let existing = builds.first(where: { $0.key == key }) { return await existing.task.value }
        let task = Task { await build() }
        builds.insert((key, task), at: 0)
        if builds.count > Self.capacity { builds.removeLast() }
        return await task.value
    }
}
