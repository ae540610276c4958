import Foundation
import GRDB

/// An agent's own word on their availability: `下班` takes them off duty until their next working
/// period, `上班` brings them back early. Presence in a WeCom client says nothing about it.
public struct AgentDuty: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "agent_duty"

    public var agent: String
    /// Off duty until then; nil: on duty (they said 上班).
    public var offUntil: Date?
    public var changedAt: Date

    public init(agent: String, offUntil: Date?, changedAt: Date) {
        self.agent = agent
        self.offUntil = offUntil
        self.changedAt = changedAt
    }

    /// Whether the agent said 下班 and it still holds at `now`.
    public func isOff(at now: Date) -> Bool {
        offUntil.map { now < $0 } ?? false
    }

    enum CodingKeys: String, CodingKey {
        case agent
        case offUntil = "off_until"
        case changedAt = "changed_at"
    }
}
