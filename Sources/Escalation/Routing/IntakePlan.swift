import Categories

/// Which intake questions each category's tickets ask.
public struct IntakePlan: Sendable, Equatable {
    /// The questions per category; a category that is not here asks none.
    public var byCategory: [CategoryID: [IntakeQuestion]]

    public init(byCategory: [CategoryID: [IntakeQuestion]]) {
        self.byCategory = byCategory
    }

    /// At most this many questions per ticket: an associate at a busy till answers two, not five.
    public static let maximumQuestions = 2

    /// The questions for a ticket of `category` (none without a category), at most `maximumQuestions`.
    public func questions(for category: CategoryID?) -> [IntakeQuestion] {
        guard let category else { return [] }
        return Array((byCategory[category] ?? []).prefix(Self.maximumQuestions))
    }

    /// What every prompt ends with, so that an associate who does not know is never stuck.
    public static let skipNote = "（不知道可回复“跳过”或“不知道”）"

    /// The default buckets' questions: the order number for order questions, the waybill or transfer
    /// note for logistics, the system and its error for system questions, none for operations.
    public static let standard = IntakePlan(byCategory: [
        "order": [
            IntakeQuestion(key: "order_number", prompt: "请发一下订单号或小票号" + skipNote, recognizer: .orderNumber)
        ],
        "logistics": [
            IntakeQuestion(key: "waybill_number", prompt: "请发一下运单号或调拨单号" + skipNote, recognizer: .waybillNumber)
        ],
        "system": [
            IntakeQuestion(key: "system", prompt: "是哪个系统或设备出的问题？比如 POS、ERP、PDA、打印机" + skipNote),
            IntakeQuestion(key: "error", prompt: "屏幕上的报错提示是什么？照着打出来就行" + skipNote),
        ],
        "operations": [],
    ])
}
