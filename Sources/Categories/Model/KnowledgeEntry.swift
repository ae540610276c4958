/// The id of a knowledge-base entry, such as `logistics-003`.
public struct KnowledgeEntryID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
}

/// One question the knowledge base can answer: the standard question, other ways associates ask
/// it, and HQ's answer.
public struct KnowledgeEntry: Sendable, Hashable, Codable, Identifiable {
    /// Whether associates get this entry's answer.
    public enum Status: String, Sendable, Hashable, Codable {
        case draft
        case published
    }

    public var id: KnowledgeEntryID
    public var category: CategoryID
    /// The standard question.
    public var question: String
    /// Similar phrasings of the same question.
    public var similar: [String]
    public var answer: String
    public var status: Status
    /// Answers that replace `answer` for associates of one region, keyed by the region's name.
    public var regionAnswers: [String: String]

    public init(
        id: KnowledgeEntryID, category: CategoryID, question: String, similar: [String] = [], answer: String,
        status: Status = .published, regionAnswers: [String: String] = [:]
    ) {
        self.id = id
        self.category = category
        self.question = question
        self.similar = similar
        self.answer = answer
        self.status = status
        self.regionAnswers = regionAnswers
    }

    /// The answer for an associate of `region`: its own variant when there is one (keyed by the region's
    /// name, 华东区, or its start, 华东), else the common answer.
    public func answer(forRegion region: String?) -> String {
        guard let region, !regionAnswers.isEmpty else { return answer }
        if let exact = regionAnswers[region] { return exact }
        return regionAnswers.filter { !$0.key.isEmpty && region.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
            ?? answer
    }

    /// Whether the entry answers an associate of `region`: it has no regional variants (one answer for
    /// everyone), or it has one for that region. An entry whose answer differs by region but says
    /// nothing for this one (or for an associate whose region is not known) cannot be trusted there.
    public func answers(region: String?) -> Bool {
        guard !regionAnswers.isEmpty else { return true }
        guard let region else { return false }
        return regionAnswers[region] != nil || regionAnswers.keys.contains { !$0.isEmpty && region.hasPrefix($0) }
    }

    /// The standard question followed by the similar phrasings.
    public var phrasings: [String] { [question] + similar }

    enum CodingKeys: String, CodingKey {
        case id, category, question, similar, answer, status
        case regionAnswers = "region_answers"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(KnowledgeEntryID.self, forKey: .id)
        category = try container.decode(CategoryID.self, forKey: .category)
        question = try container.decode(String.self, forKey: .question)
        similar = try container.decodeIfPresent([String].self, forKey: .similar) ?? []
        answer = try container.decode(String.self, forKey: .answer)
        status = try container.decodeIfPresent(Status.self, forKey: .status) ?? .published
        regionAnswers = try container.decodeIfPresent([String: String].self, forKey: .regionAnswers) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(category, forKey: .category)
        try container.encode(question, forKey: .question)
        try container.encode(similar, forKey: .similar)
        try container.encode(answer, forKey: .answer)
        try container.encode(status, forKey: .status)
        if !regionAnswers.isEmpty { try container.encode(regionAnswers, forKey: .regionAnswers) }
    }
}
