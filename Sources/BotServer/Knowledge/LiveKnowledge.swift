import Categories
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The question engine over the current knowledge base, replaced whole when an admin changes the
/// knowledge. Questions take the engine that is current when they arrive (one snapshot per message) and
/// never wait on a rebuild; only the first engine, when the server calibrates it after starting to
/// listen, is waited for.
///
/// An edit is answerable at once: a large knowledge base's index is patched where the entries changed
/// (milliseconds), a small one's ranker is retrained (a fraction of a second); either keeps the current
/// calibration. As a service, it then runs the full build and calibration in the background, once the
/// edits have paused for `recalibrationDelay`, and swaps it in.
final class LiveKnowledge: Service, Sendable {
    private struct Current {
        /// Nil until the first engine is calibrated.
        var engine: QuestionEngine?
        var generation: Int
        /// Questions that came before the first engine.
        var waiting: [CheckedContinuation<QuestionEngine, Never>] = []
    }

    private let current: Mutex<Current>
    private let settings: BotSettings
    private let builder: EngineBuilder
    private let logger: Logger
    /// The knowledge base to calibrate the first engine on when the service starts, if not built at init.
    private let startupKnowledgeBase: KnowledgeBase?
    /// How long after the last edit the full calibration starts.
    private let recalibrationDelay: Duration
    /// The latest edit still to calibrate (older ones are superseded).
    private let pending: AsyncStream<(knowledgeBase: KnowledgeBase, generation: Int)>
    private let pendingContinuation: AsyncStream<(knowledgeBase: KnowledgeBase, generation: Int)>.Continuation
    /// Admin changes, one at a time (`KnowledgeEditor`).
    let edits = AsyncSerialQueue()

    /// Builds and calibrates the first engine now (seconds).
    init(
        knowledgeBase: KnowledgeBase, settings: BotSettings, builder: EngineBuilder,
        recalibrationDelay: Duration = .seconds(2), logger: Logger = Logger(label: "StoreDesk")
    ) async {
        self.settings = settings
        self.builder = builder
        self.logger = logger
        self.recalibrationDelay = recalibrationDelay
        self.startupKnowledgeBase = nil
        (pending, pendingContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        let engine = await builder.calibrated(for: knowledgeBase, settings: settings)
        self.current = Mutex(Current(engine: engine, generation: 0))
    }

    /// Calibrates the first engine when the service starts (seconds, longer for a large knowledge base),
    /// so that the server listens meanwhile: callbacks are stored and acknowledged, and what needs an
    /// answer waits for the engine (`engine`).
    init(
        calibratingWhenStarted knowledgeBase: KnowledgeBase, settings: BotSettings, builder: EngineBuilder,
        recalibrationDelay: Duration = .seconds(2), logger: Logger
    ) {
        self.settings = settings
        self.builder = builder
        self.logger = logger
        self.recalibrationDelay = recalibrationDelay
        self.startupKnowledgeBase = knowledgeBase
        (pending, pendingContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.current = Mutex(Current(engine: nil, generation: 0))
    }

    /// The engine to use now; before the first one is calibrated, it once it is.
    var engine: QuestionEngine {
        get async {
            if let engine = engineIfBuilt { return engine }
            return await withCheckedContinuation { continuation in
                let engine: QuestionEngine? = current.withLock { state in
                    if state.engine == nil { state.waiting.append(continuation) }
                    return state.engine
                }
                if let engine { continuation.resume(returning: engine) }
            }
        }
    }

    /// The engine to use now, nil while the first one is being calibrated.
    var engineIfBuilt: QuestionEngine? { current.withLock { $0.engine } }

    /// Makes `knowledgeBase` answerable now, and fully calibrated soon after; when so much changed that
    /// the current thresholds speak for another knowledge base (an import, a replace), calibrates it
    /// before returning (seconds; questions meanwhile are decided conservatively: suggestions, no answers).
    /// - Returns: the calibration that decides once it returns.
    @discardableResult
    func replace(with knowledgeBase: KnowledgeBase) async -> Calibration.State {
        let previous = await engine
        let provisional: QuestionEngine
        if let patched = QuestionEngine(patching: previous, to: knowledgeBase) {
            // Milliseconds, so done here rather than queued behind a build that may be running.
            provisional = patched
        } else {
            provisional = await builder.provisional(for: knowledgeBase, reusing: previous)
        }
        let generation = current.withLock { state in
            state.engine = provisional
            state.generation += 1
            return state.generation
        }
        guard provisional.calibration.isStale else {
            pendingContinuation.yield((knowledgeBase, generation))
            return provisional.calibration.state
        }
        let landed = await calibrate(knowledgeBase, generation: generation)
        // Another replace landed meanwhile (only outside the editor, which makes changes one at a time): the
        // background calibrates the latest after its pause.
        if !landed { pendingContinuation.yield((knowledgeBase, generation)) }
        return engineIfBuilt?.calibration.state ?? .conservative
    }

    /// Calibrates the first engine if it was left to the service, then the latest edit once edits pause,
    /// until graceful shutdown.
    func run() async throws {
        if let startupKnowledgeBase, engineIfBuilt == nil {
            // Not cancelled by a shutdown: questions that came meanwhile wait for it.
            let engine = await builder.calibrated(for: startupKnowledgeBase, settings: settings)
            let waiting = current.withLock { state in
                // Only the first: an edit since (which waited for it anyway) is not overwritten.
                if state.engine == nil { state.engine = engine }
                defer { state.waiting = [] }
                return state.waiting
            }
            for question in waiting { question.resume(returning: engine) }
            let calibration = engine.calibration
            logger.info(
                "Question engine calibrated on the knowledge base",
                metadata: [
                    "heldOutTop1": "\(calibration.heldOutTop1)", "heldOutRecall3": "\(calibration.heldOutRecall3)",
                    "answerThreshold": "\(calibration.answerThreshold)", "waited": "\(waiting.count)",
                ])
        }
        await cancelWhenGracefulShutdown {
            for await edit in self.pending {
                do {
                    try await Task.sleep(for: self.recalibrationDelay)
                } catch {
                    return  // shutting down
                }
                // A later edit came meanwhile: it is buffered and will be calibrated after its own pause.
                guard self.current.withLock({ $0.generation }) == edit.generation else { continue }
                await self.calibrate(edit.knowledgeBase, generation: edit.generation)
            }
        }
    }

    /// Builds the calibrated engine of `knowledgeBase` and makes it current, unless another edit came
    /// after `generation` meanwhile.
    /// - Returns: whether it became current.
    @discardableResult
    private func calibrate(_ knowledgeBase: KnowledgeBase, generation: Int) async -> Bool {
        let engine = await builder.calibrated(for: knowledgeBase, settings: settings)
        return current.withLock { state in
            guard state.generation == generation else { return false }
            state.engine = engine
            return true
        }
    }
}
