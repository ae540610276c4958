/// How precise each intent must be, on the training corpus's cross-validation, before the classifier
/// says it: each intent's threshold is the lowest probability at which the held-out folds' messages at
/// or above it carry the intent at least this share of the time.
///
/// A missed request for a person or complaint costs more than a question handed over that the bot could
/// have answered, so those are looser; a false "urgent" pages people at night, and a false small talk or
/// off-topic leaves a real question unanswered, so those are stricter.
public struct IntentPolicy: Sendable, Hashable {
    /// The precision each intent must reach.
    public var precision: [Intent: Double]
    /// Folds of the cross-validation that chooses the thresholds.
    public var folds: Int

    public init(precision: [Intent: Double] = Self.standardPrecision, folds: Int = 5) {
        self.precision = precision
        self.folds = folds
    }

    /// The built-in precisions.
    public static let standardPrecision: [Intent: Double] = [
        .requestedHuman: 0.92, .complaint: 0.90, .urgent: 0.95, .regional: 0.95, .smalltalk: 0.95, .offTopic: 0.93,
    ]

    /// The precision `intent` must reach (0.95 when unnamed).
    func precision(for intent: Intent) -> Double { precision[intent] ?? 0.95 }
}
