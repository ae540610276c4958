import Testing

@testable import Escalation

@Suite("Hand-over reasons")
struct HandOverReasonTests {
    @Test("Reason codes are the ones of the interface contract")
    func codes() {
        #expect(
            HandOverReason.allCases.map(\.rawValue) == ["requested_human", "complaint", "urgent", "regional", "low_confidence"])
    }
}
