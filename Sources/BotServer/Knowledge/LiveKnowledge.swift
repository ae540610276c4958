import Categories
import Foundation
import ServiceLifecycle
import Synchronization

/// The question engine over the current knowledge base, replaced whole when an admin changes the
/// knowledge. Questions take the engine that is current when they arrive (one snapshot per message) and
/// never wait on a rebuild.
///
/// An edit is answerable at once: a large knowledge base's index is patched where the entries changed
/// (milliseconds), a small one's ranker is retrained (a fraction of a second); either keeps the current
/// calibration. As a service, it then runs the full build and calibration in the background, once the
/// edits have paused for `recalibrationDelay`, and swaps it in.
final class LiveKnowledge: Service, Sendable {
    private let current: Mutex<(engine: QuestionEngine, generation: Int)>
    private let settings: BotSettings
    private let builder: EngineBuilder
    /// How long after the last edit the full calibration starts.
    private let recalibrationDelay: Duration
    /// The latest edit still to calibrate (older ones are superseded).
    private let pending: AsyncStream<(knowledgeBase: KnowledgeBase, generation: Int)>
    private let pendingContinuation: AsyncStream<(knowledgeBase: KnowledgeBase, generation: Int)>.Continuation
    /// Admin changes, one at a time (`KnowledgeEditor`).
    let edits = AsyncSerialQueue()

    /// Builds and calibrates the first engine (seconds), before the server takes questions.
    init(
        knowledgeBase: KnowledgeBase, settings: BotSettings, builder: EngineBuilder,
        recalibrationDelay: Duration = .seconds(2)
    ) async {
        self.settings = settings
        self.builder = builder
        self.recalibrationDelay = recalibrationDelay
        (pending, pendingContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        let engine = await builder.calibrated(for: knowledgeBase, settings: settings)
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
            provisional = await builder.provisional(for: knowledgeBase, reusing: calibrated)
        }
        let generation = current.withLock { state in
            state = (provisional, state.generation + 1)
            return state.generation
        }
        pendingContinuation.yield((knowledgeBase, generation))
    }

    /// Calibrates the latest edit once edits pause, until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await edit in self.pending {
                do {
                    try await Task.sleep(for: self.recalibrationDelay)
                } catch {
                    return  // shutting down
                }
                // A later edit came meanwhile: it is buffered and will be calibrated after its own pause.
                guard self.current.withLock({ $0.generation }) == edit.generation else { continue }
                let engine = await self.builder.calibrated(for: edit.knowledgeBase, settings: self.settings)
                self.current.withLock { state in
                    if state.generation == edit.generation { state.engine = engine }
                }
            }
        }
    }
}
