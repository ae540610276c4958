/// How well an intent is told: of the messages said to carry it, the share that do (precision); of those
/// that do, the share said to (recall).
public struct IntentScore: Sendable, Equatable, CustomStringConvertible {
    /// Messages that carry the intent.
    public var actual: Int
    /// Messages said to carry it.
    public var predicted: Int
    /// Messages both.
    public var correct: Int

    public init(actual: Int = 0, predicted: Int = 0, correct: Int = 0) {
        self.actual = actual
        self.predicted = predicted
        self.correct = correct
    }

    /// 1 when nothing was said to carry it (no false alarm).
    public var precision: Double { predicted == 0 ? 1 : Double(correct) / Double(predicted) }
    /// 1 when nothing carries it.
    public var recall: Double { actual == 0 ? 1 : Double(correct) / Double(actual) }

    /// Counts one message.
    mutating func add(actual isActual: Bool, predicted isPredicted: Bool) {
        actual += isActual ? 1 : 0
        predicted += isPredicted ? 1 : 0
        correct += isActual && isPredicted ? 1 : 0
    }

    public var description: String {
        "precision \(Self.format(precision)) (\(correct)/\(predicted)), recall \(Self.format(recall)) (\(correct)/\(actual))"
    }

    static func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        return "\(thousandths / 1000).\(String(thousandths % 1000).leftPadded(to: 3))"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
