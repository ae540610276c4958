/// Phrases that force a reading off: a message containing one is not read as that signal, small talk or
/// off-topic, whatever the intent classifier says (`bot.signals.not` in `Config/storedesk.yaml`).
///
/// For the lexicon's own phrases the phrase is cut out first, so 人工成本 under `requestedHuman` stops
/// 人工成本怎么算 being a request for a person while 人工成本怎么算，找人工 still is one.
public struct SignalExclusions: Sendable, Hashable, Codable {
    public var requestedHuman: [String]
    public var complaint: [String]
    public var urgent: [String]
    public var regional: [String]
    public var smalltalk: [String]
    public var offTopic: [String]

    public init(
        requestedHuman: [String] = [], complaint: [String] = [], urgent: [String] = [], regional: [String] = [],
        smalltalk: [String] = [], offTopic: [String] = []
    ) {
        self.requestedHuman = requestedHuman
        self.complaint = complaint
        self.urgent = urgent
        self.regional = regional
        self.smalltalk = smalltalk
        self.offTopic = offTopic
    }

    enum CodingKeys: String, CodingKey {
        case requestedHuman, complaint, urgent, regional, smalltalk, offTopic
    }

    /// Every list is optional in a file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
        self.init(
            requestedHuman: try list(.requestedHuman), complaint: try list(.complaint), urgent: try list(.urgent),
            regional: try list(.regional), smalltalk: try list(.smalltalk), offTopic: try list(.offTopic))
    }

    /// No exclusions.
    public static let empty = SignalExclusions()

    /// The phrases that force `signal` off.
    public func phrases(for signal: QuestionSignal) -> [String] {
        switch signal {
        case .requestedHuman: requestedHuman
        case .complaint: complaint
        case .urgent: urgent
        case .regional: regional
        }
    }

    /// Adds `other`'s phrases to these.
    public func merging(_ other: SignalExclusions) -> SignalExclusions {
        SignalExclusions(
            requestedHuman: requestedHuman + other.requestedHuman, complaint: complaint + other.complaint,
            urgent: urgent + other.urgent, regional: regional + other.regional, smalltalk: smalltalk + other.smalltalk,
            offTopic: offTopic + other.offTopic)
    }
}
