import Foundation

/// The id of a category, such as `order` or `logistics`.
public struct CategoryID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
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

/// A bucket of questions (订单问题, 物流问题, …) and the team its hand-overs go to.
public struct Category: Sendable, Hashable, Codable, Identifiable {
    public var id: CategoryID
    /// The name associates see.
    public var name: String
    public var description: String
    /// Words that point to this category even when no entry matches.
    public var keywords: [String]
    /// The support team that takes this category's hand-overs.
    public var team: String?
    /// An admin's "always a person": its questions go to the team instead of being answered.
    public var alwaysPerson: Bool
    /// When an admin retired it; a retired category takes no new entries and is not offered.
    public var retiredAt: Date?

    public init(
        id: CategoryID, name: String, description: String = "", keywords: [String] = [], team: String? = nil,
        alwaysPerson: Bool = false, retiredAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.keywords = keywords
        self.team = team
        self.alwaysPerson = alwaysPerson
        self.retiredAt = retiredAt
    }

    /// Whether the category is in use (not retired).
    public var isActive: Bool { retiredAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, name, description, keywords, team
        case retiredAt = "retired_at"
        case alwaysPerson = "always_person"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(CategoryID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        team = try container.decodeIfPresent(String.self, forKey: .team)
        alwaysPerson = try container.decodeIfPresent(Bool.self, forKey: .alwaysPerson) ?? false
        retiredAt = try container.decodeIfPresent(Date.self, forKey: .retiredAt)
    }
}
