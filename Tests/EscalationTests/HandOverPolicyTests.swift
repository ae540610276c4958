import Categories
import Testing

@testable import Escalation

@Suite("The hand-over policy")
struct HandOverPolicyTests {
    @Test("Signals hand over whatever the match; otherwise the match's suggestion decides")
    func table() {
        let policy = HandOverPolicy()
        let table: [(Understanding, Decision, [ReasonCode])] = [
            (Understanding(suggestion: .answer, category: "order"), .answer, []),
            (Understanding(suggestion: .suggest, category: "order"), .suggest, [.lowConfidence]),
            (Understanding(suggestion: .clarify, category: "order"), .clarify, [.shortQuestion]),
            (Understanding(suggestion: .smalltalk, category: nil), .smalltalk, [.smalltalk]),
            (Understanding(suggestion: .outOfScope, category: "order"), .smalltalk, [.outOfScope]),
            (Understanding(suggestion: .notCovered, category: "order"), .escalate, [.notCovered]),
            (Understanding(suggestion: .answer, signals: [.regional], category: "order"), .escalate, [.regional]),
            (
                Understanding(suggestion: .smalltalk, signals: [.urgent, .requestedHuman], category: nil), .escalate,
                [.requestedHuman, .urgent]
            ),
        ]
        for (understanding, decision, reasons) in table {
            let assessment = policy.assess(understanding)
            #expect(assessment.decision == decision, "\(understanding)")
            #expect(assessment.reasons == reasons, "\(understanding)")
        }
    }

    @Test("Reason codes are written as the interface contract spells them")
    func codes() {
        #expect(
            ReasonCode.allCases.map(\.rawValue) == [
                "requested_human", "complaint", "urgent", "regional", "low_confidence", "short_question", "not_covered",
                "suggestions_declined", "answer_unhelpful", "category_always_person", "out_of_scope", "smalltalk",
            ])
    }
}
