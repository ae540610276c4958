import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// `managers`: region (as the WeCom directory names it, or `"*"` for every other region) → the WeCom
    /// user id of its manager, the last rung of a breach's ladder. The manager need not be an agent: region
    /// managers work in the field, not in a support team.
    static func managers(_ node: Node, _ reader: Reader) throws(ConfigurationError) -> [String: String] {
        var managers: [String: String] = [:]
        for (key, keyNode, value) in try reader.entries(node, of: "managers") {
            let region = key.trimmingCharacters(in: .whitespaces)
            guard !region.isEmpty else {
                throw reader.error("a region in managers must not be empty (write \"*\" for every other region)", at: keyNode)
            }
            let user = try reader.text(value, "managers.\(region)")
            guard !user.contains(where: \.isWhitespace) else {
                throw reader.error("managers.\(region): \"\(user)\" is not a WeCom user id (one word, such as hq_cai)", at: value)
            }
            managers[region] = user
        }
        return managers
    }
}
