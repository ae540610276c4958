import Categories
import Escalation
import Foundation
import Yams

/// Reads `escalation.yaml`: the support teams and their hours, routing by category and region, the
/// first-response promises, the intake questions and the places set by hand (see the shipped file for
/// every key).
///
/// It is read node by node rather than decoded, so that every mistake is reported with its line and an
/// unknown key is an error: in a file that decides who is woken for an urgent ticket, a typo must not
/// silently do nothing.
enum EscalationFile {
    /// The settings in the file at `url`, with warnings worth logging; `EscalationSettings.standard` when
    /// there is no file. `knownCategories` (nil: not checked) turns rules for categories that do not exist
    /// into warnings.
    static func load(from url: URL, knownCategories: Set<CategoryID>?) throws(ConfigurationError)
        -> (EscalationSettings, warnings: [String])
    {
        guard FileManager.default.fileExists(atPath: url.path) else { return (.standard, []) }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError("cannot read \(url.path) as UTF-8 text")
        }
        return try parse(text, fileName: url.lastPathComponent, knownCategories: knownCategories)
    }

    /// The settings in `text`, the contents of a file named `fileName`.
    static func parse(_ text: String, fileName: String = "escalation.yaml", knownCategories: Set<CategoryID>?)
        throws(ConfigurationError) -> (EscalationSettings, warnings: [String])
    {
        let reader = Reader(fileName: fileName)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Self.syntaxError(error, fileName: fileName)
        }
        guard let root, !reader.isNull(root) else {
            return (.standard, [reader.message("the file is empty; the standard settings apply", at: nil)])
        }
        let fields = try reader.fields(
            root, of: "the file",
            allowed: ["timeZone", "defaultTeam", "teams", "routing", "firstResponse", "intake", "overrides"])
        let timeZone = try fields["timeZone"].map { node throws(ConfigurationError) in try Self.timeZone(node, reader) }
        guard let teamsNode = fields["teams"] else { throw reader.error("the file names no teams", at: root) }
        let teams = try Self.teams(teamsNode, timeZone: timeZone ?? WorkingHours.chinaStandardTime, reader)
        guard let defaultNode = fields["defaultTeam"] else {
            throw reader.error("defaultTeam is missing: the team that takes what no rule places", at: root)
        }
        let defaultTeam = try Self.teamID(defaultNode, "defaultTeam", known: teams, reader)
        let rules = try fields["routing"].map { node throws(ConfigurationError) in try Self.rules(node, teams: teams, reader) }
        var table = RoutingTable(teams: teams, rules: rules ?? [], defaultTeam: defaultTeam)
        if let node = fields["firstResponse"] { table.firstResponse = try Self.firstResponse(node, reader) }

        var warnings: [String] = []
        if let knownCategories {
            warnings += table.unknownCategories(known: knownCategories).map { category, line in
                "\(fileName)\(line.map { " line \($0)" } ?? ""): routing names category \"\(category)\", which does "
                    + "not exist; the rule never applies to it"
            }
        }
        var intake = IntakePlan.standard
        if let node = fields["intake"] {
            for (category, questions, keyNode) in try Self.intakeQuestions(node, reader) {
                intake.byCategory[category] = questions
                if let knownCategories, !knownCategories.contains(category) {
                    warnings.append(
                        reader.message("intake names category \"\(category)\", which does not exist", at: keyNode))
                }
            }
        }
        let overrides = try fields["overrides"].map { node throws(ConfigurationError) in try Self.overrides(node, reader) }
        return (EscalationSettings(routing: table, intake: intake, overrides: overrides ?? .none), warnings)
    }

    /// A time zone by its IANA name (Asia/Shanghai).
    static func timeZone(_ node: Node, _ reader: Reader) throws(ConfigurationError) -> TimeZone {
        let name = try reader.text(node, "timeZone")
        guard let zone = TimeZone(identifier: name) else {
            throw reader.error("unknown time zone \"\(name)\" (write an IANA name such as Asia/Shanghai)", at: node)
        }
        return zone
    }

    /// A YAML syntax error, with its line.
    private static func syntaxError(_ error: any Error, fileName: String) -> ConfigurationError {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return ConfigurationError(
                "\(fileName) line \(mark.line): not valid YAML: \(context.map { "\($0.text): " } ?? "")\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                "\(fileName) line \(context.mark.line): a key is given twice in one mapping: "
                    + duplicates.joined(separator: ", "))
        default:
            return ConfigurationError("\(fileName) is not valid YAML: \(error)")
        }
    }
}
