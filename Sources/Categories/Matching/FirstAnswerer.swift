/// What the bot decides for one question.
public enum AnswerDecision: Sendable, Equatable {
    /// The top entry is a confident match: reply with its answer.
    case answer(KnowledgeEntry, score: Double)
    /// No entry is a confident match; `candidates` are the closest, best first.
    case noConfidentAnswer(candidates: [QuestionMatcher.Match])
}

/// Answers a question from the knowledge base when one entry clearly matches, and otherwise says so.
///
/// A first, deliberately cautious answerer: it answers only when the best phrasing is close
/// (`minimumScore`) and clearly ahead of the next entry (`minimumMargin`), because a wrong answer
/// costs more than a hand-over.
public struct FirstAnswerer: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let minimumScore: Double
    public let minimumMargin: Double
    private let matcher: QuestionMatcher

    public init(knowledgeBase: KnowledgeBase, minimumScore: Double = 0.6, minimumMargin: Double = 0.1) {
        self.knowledgeBase = knowledgeBase
        self.minimumScore = minimumScore
        self.minimumMargin = minimumMargin
        self.matcher = QuestionMatcher(entries: knowledgeBase.publishedEntries)
    }

    /// The closest published entries for `question`, best first.
    public func rank(_ question: String, limit: Int = 5) -> [QuestionMatcher.Match] {
        matcher.rank(question, limit: limit)
    }

    /// The decision for `question`.
    public func decide(_ question: String) -> AnswerDecision {
        let ranked = matcher.rank(question, limit: 3)
        guard let top = ranked.first, top.score >= minimumScore,
            top.score - (ranked.dropFirst().first?.score ?? 0) >= minimumMargin,
            let entry = knowledgeBase.entry(top.entryID)
        else {
            return .noConfidentAnswer(candidates: ranked)
        }
        return .answer(entry, score: top.score)
    }
}
