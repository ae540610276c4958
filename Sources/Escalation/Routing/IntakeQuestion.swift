/// A question the bot asks before a ticket reaches HQ, so that it arrives as a case: "请发一下订单号或小票号".
public struct IntakeQuestion: Sendable, Equatable {
    /// What the answer is filed under on the ticket: `order_number`, `waybill_number`, `system`, `error`.
    public var key: String
    /// The question as the associate reads it, ending with how to skip it.
    public var prompt: String
    /// Finds the answer in what the associate already wrote, so the question can be left out.
    public var recognizer: IntakeRecognizer?

    public init(key: String, prompt: String, recognizer: IntakeRecognizer? = nil) {
        self.key = key
        self.prompt = prompt
        self.recognizer = recognizer
    }
}
