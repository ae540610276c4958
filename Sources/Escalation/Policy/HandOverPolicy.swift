import Categories

/// The one place that decides whether a person takes a message over.
///
/// `Categories` reports what the wording signals and what the match suggests; this turns that into the
/// bot's decision and its reasons. `POST /api/v1/ask`, `eval` and the live conversation all come
/// through `assess`, so they cannot disagree.
public struct HandOverPolicy: Sendable, Equatable {
    public init() {}

    /// The decision on a first message. A signal in the wording (a request for a person, a complaint,
    /// urgency, a regional matter) hands over whatever the match; otherwise the match's suggestion
    /// stands, and a question in the domain that no entry covers goes to a person.
    public func assess(_ understanding: Understanding) -> Assessment {
        if !understanding.signals.isEmpty {
            return Assessment(
                decision: .escalate, reasons: understanding.signals.map(ReasonCode.init).sorted(),
                understanding: understanding)
        }
        let (decision, reasons): (Decision, [ReasonCode]) =
            switch understanding.suggestion {
            case .answer: (.answer, [])
            case .suggest: (.suggest, [.lowConfidence])
            case .clarify: (.clarify, [.shortQuestion])
            case .smalltalk: (.smalltalk, [.smalltalk])
            case .outOfScope: (.smalltalk, [.outOfScope])
            case .notCovered: (.escalate, [.notCovered])
            }
        return Assessment(decision: decision, reasons: reasons, understanding: understanding)
    }

    /// The decision on `text` with the knowledge snapshot `knowledge`; a question of a category an
    /// admin marked "always a person" goes to a person instead of being answered or suggested.
    public func assess(_ text: String, with knowledge: QuestionEngine) -> Assessment {
        var assessment = assess(knowledge.understand(text))
        if assessment.decision == .answer || assessment.decision == .suggest,
            let category = assessment.category.flatMap({ knowledge.knowledgeBase.category($0) }), category.alwaysPerson
        {
            assessment.decision = .escalate
            assessment.reasons = [.categoryAlwaysPerson]
        }
        return assessment
    }

    /// The decision on `text` for an associate of `region`: as `assess(_:with:)`, and an answer from an
    /// entry whose answer differs by region but has none for this region is a regional matter for a person.
    public func assess(_ text: String, with knowledge: QuestionEngine, region: String?) -> Assessment {
        var assessment = assess(text, with: knowledge)
        if assessment.decision == .answer, let entry = assessment.candidates.first?.entry, !entry.answers(region: region) {
            assessment.decision = .escalate
            assessment.reasons = [.regional]
        }
        return assessment
    }

    /// The associate picked `entry`, whose answer differs by region but has none for theirs: a person
    /// takes the question, routed by the entry's category.
    public func noAnswerForRegion(_ entry: KnowledgeEntry) -> Assessment {
        Assessment(
            decision: .escalate, reasons: [.regional],
            understanding: Understanding(
                suggestion: .notCovered, category: entry.category, candidates: [.init(entry: entry, score: 1)], confidence: 0))
    }

    /// The associate asked for a person (a 转人工 button).
    public func requestedPerson() -> Assessment {
        Assessment(
            decision: .escalate, reasons: [.requestedHuman], understanding: Understanding(suggestion: .notCovered, category: nil))
    }

    /// "没用" on the answer of `entry`: a person takes the question, routed by the entry's category.
    public func unhelpful(answer entry: KnowledgeEntry?) -> Assessment {
        Assessment(
            decision: .escalate, reasons: [.answerUnhelpful],
            understanding: Understanding(suggestion: .notCovered, category: entry?.category))
    }

    /// The associate said none of the suggestions fits: a person takes the question, routed by the
    /// category of the best suggestion.
    public func declined(suggestions: [KnowledgeEntry]) -> Assessment {
        Assessment(
            decision: .escalate, reasons: [.suggestionsDeclined],
            understanding: Understanding(suggestion: .notCovered, category: suggestions.first?.category))
    }

    /// The associate chose a category that has nothing for the question: a person takes it, routed there.
    public func notCovered(in category: CategoryID) -> Assessment {
        Assessment(
            decision: .escalate, reasons: [.notCovered], understanding: Understanding(suggestion: .notCovered, category: category)
        )
    }
}
