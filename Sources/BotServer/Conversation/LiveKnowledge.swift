import Categories
import Synchronization

/// The answerer over the current knowledge base, replaced whole when an admin changes the
/// knowledge: a question in flight keeps the answerer it started with and never waits on a change.
final class LiveKnowledge: Sendable {
    private let current: Mutex<FirstAnswerer>
    private let settings: BotSettings

    init(knowledgeBase: KnowledgeBase, settings: BotSettings) {
        self.settings = settings
        self.current = Mutex(Self.answerer(for: knowledgeBase, settings: settings))
    }

    /// The answerer to use now.
    var answerer: FirstAnswerer { current.withLock { $0 } }

    /// Builds the answerer for `knowledgeBase` and makes it current.
    func replace(with knowledgeBase: KnowledgeBase) {
        let answerer = Self.answerer(for: knowledgeBase, settings: settings)
        current.withLock { $0 = answerer }
    }

    private static func answerer(for knowledgeBase: KnowledgeBase, settings: BotSettings) -> FirstAnswerer {
        FirstAnswerer(
            knowledgeBase: knowledgeBase, minimumScore: settings.answerMinimumScore,
            minimumMargin: settings.answerMinimumMargin)
    }
}
