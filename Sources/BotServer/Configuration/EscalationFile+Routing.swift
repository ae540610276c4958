import Categories
import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// The `routing` list: each rule with `categories` and/or `region`, and the `team` it sends to.
    static func rules(_ node: Node, teams: [Team], _ reader: Reader) throws(ConfigurationError) -> [RoutingRule] {
        var rules: [RoutingRule] = []
        for item in try reader.list(node, "routing") {
            let fields = try reader.fields(item, of: "a routing rule", allowed: ["categories", "region", "team"])
            guard let teamNode = fields["team"] else { throw reader.error("a routing rule has no team", at: item) }
            let team = try Self.teamID(teamNode, "routing", known: teams, reader)
            let categories = try fields["categories"].map { node throws(ConfigurationError) in
                try reader.texts(node, "a routing rule's categories").map(CategoryID.init(rawValue:))
            }
            let region = try fields["region"].map { node throws(ConfigurationError) in
                try reader.text(node, "a routing rule's region")
            }
            guard !(categories ?? []).isEmpty || region != nil else {
                throw reader.error(
                    "a routing rule needs categories or a region (what no rule places goes to defaultTeam)", at: item)
            }
            rules.append(RoutingRule(categories: categories ?? [], region: region, team: team, line: item.mark?.line))
        }
        return rules
    }

    /// `firstResponse` or `resolution` (`key`): per priority, a duration such as `10m`, `2h` or `1d`,
    /// followed by `working` when it counts only the team's working time (its hours, holidays and 调休).
    /// Priorities not given keep their value in `standard`.
    static func targets(
        _ node: Node, key: String, standard: [TicketPriority: ResponseTarget], _ reader: Reader
    ) throws(ConfigurationError) -> [TicketPriority: ResponseTarget] {
        var targets = standard
        for (priorityName, keyNode, value) in try reader.entries(node, of: key) {
            guard let priority = TicketPriority(rawValue: priorityName) else {
                throw reader.error(
                    "unknown priority \"\(priorityName)\" in \(key) (expected urgent, high, normal, low)", at: keyNode)
            }
            let text = try reader.text(value, "\(key).\(priorityName)")
            guard let target = Self.responseTarget(text) else {
                throw reader.error(
                    "\(key).\(priorityName): \"\(text)\" is not a duration such as 10m, 2h or 1d, optionally "
                        + "followed by \"working\"", at: value)
            }
            targets[priority] = target
        }
        return targets
    }

    /// "10m", "1.5h working", "1d working" (a working day is `ResponseTarget.workingDay`, 8 working
    /// hours; a clock day is 24 hours).
    static func responseTarget(_ text: String) -> ResponseTarget? {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace)
        guard (1...2).contains(words.count), words.count == 1 || words[1] == "working",
            let unit = words[0].last, let amount = Double(words[0].dropLast()), amount > 0, amount.isFinite
        else { return nil }
        let working = words.count == 2
        let seconds: Double
        switch unit {
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * (working ? ResponseTarget.workingDay : 24 * 3600)
        default: return nil
        }
        return ResponseTarget(duration: seconds, working: working)
    }
}
