import Escalation
import Yams

extension EscalationFile {
    /// `overrides`: `users` (WeCom user id → store and/or region) and `departments` (WeCom department id →
    /// store and/or region), which win over the directory.
    static func overrides(_ node: Node, _ reader: Reader) throws(ConfigurationError) -> PlaceOverrides {
        let fields = try reader.fields(node, of: "overrides", allowed: ["users", "departments"])
        var overrides = PlaceOverrides()
        if let users = fields["users"] {
            for (user, _, value) in try reader.entries(users, of: "overrides.users") {
                overrides.users[user] = try Self.place(value, "overrides.users.\(user)", reader)
            }
        }
        if let departments = fields["departments"] {
            for (key, keyNode, value) in try reader.entries(departments, of: "overrides.departments") {
                guard let id = Int(key) else {
                    throw reader.error(
                        "overrides.departments: \"\(key)\" is not a WeCom department id (a number)", at: keyNode)
                }
                overrides.departments[id] = try Self.place(value, "overrides.departments.\(key)", reader)
            }
        }
        return overrides
    }

    /// `{store: 北京王府井店, region: 华北区}`: at least one of the two.
    private static func place(_ node: Node, _ what: String, _ reader: Reader) throws(ConfigurationError) -> PlaceOverride {
        let fields = try reader.fields(node, of: what, allowed: ["store", "region"])
        let store = try fields["store"].map { node throws(ConfigurationError) in try reader.text(node, "\(what).store") }
        let region = try fields["region"].map { node throws(ConfigurationError) in try reader.text(node, "\(what).region") }
        guard store != nil || region != nil else { throw reader.error("\(what) sets neither a store nor a region", at: node) }
        return PlaceOverride(store: store, region: region)
    }
}
