import Categories
import Escalation
import Foundation
import Yams

/// Reads `escalation.yaml`: the support teams with their hours, holiday calendars (`holidays.yaml`,
/// see `EscalationFile+Holidays.swift`), caps and on-call members, routing by category and region, the
/// first-response and resolution targets, the intake questions, the places set by hand, the regions'
/// managers and the ticket timers (`duty`, `waiting`, `reopenWithin`; see the shipped files for every
/// key).
///
/// It is read node by node rather than decoded, so that every mistake is reported with its line and an
/// unknown key is an error: in a file that decides who is woken for an urgent ticket, a typo must not
/// silently do nothing.
enum EscalationFile {
    /// The settings in the file at `url`, with warnings worth logging; `EscalationSettings.standard` when
    /// there is no file. `knownCategories` (nil: not checked) turns rules for categories that do not exist
    /// into warnings. Holiday calendars (`holidays.yaml`, or the file a team names) are read from the same
    /// folder; without `holidays.yaml` there are no holiday data, which is a warning.
    static func load(from url: URL, knownCategories: Set<CategoryID>?) throws(ConfigurationError)
        -> (EscalationSettings, warnings: [String])
    {
        let folder = url.deletingLastPathComponent()
        let holidayFiles = { (name: String) throws(ConfigurationError) -> String? in
            try Self.text(at: URL(fileURLWithPath: name, relativeTo: folder))
        }
        guard let text = try Self.text(at: url) else {
            var holidays = HolidayFiles(read: holidayFiles)
            let settings = try Self.standard(holidays: &holidays, Reader(fileName: url.lastPathComponent))
            return (settings, holidays.warnings)
        }
        return try parse(text, fileName: url.lastPathComponent, knownCategories: knownCategories, holidayFiles: holidayFiles)
    }

    /// The settings in `text`, the contents of a file named `fileName`. `holidayFiles` gives the text of
    /// a holiday calendar by its file name (`holidays.yaml`), nil when there is no such file.
    static func parse(
        _ text: String, fileName: String = "escalation.yaml", knownCategories: Set<CategoryID>?,
        holidayFiles: @escaping (String) throws(ConfigurationError) -> String?
    ) throws(ConfigurationError) -> (EscalationSettings, warnings: [String]) {
        let reader = Reader(fileName: fileName)
        let root = try Self.compose(text, fileName: fileName)
        var holidays = HolidayFiles(read: holidayFiles)
        guard let root, !reader.isNull(root) else {
            let settings = try Self.standard(holidays: &holidays, reader)
            return (settings, [reader.message("the file is empty; the standard settings apply", at: nil)] + holidays.warnings)
        }
        let fields = try reader.fields(
            root, of: "the file",
            allowed: [
                "timeZone", "defaultTeam", "teams", "routing", "firstResponse", "resolution", "intake", "overrides",
                "managers", "duty", "waiting", "reopenWithin",
            ])
        let timeZone = try fields["timeZone"].map { node throws(ConfigurationError) in try Self.timeZone(node, reader) }
        guard let teamsNode = fields["teams"] else { throw reader.error("the file names no teams", at: root) }
        let teams = try Self.teams(
            teamsNode, timeZone: timeZone ?? WorkingHours.chinaStandardTime, holidays: &holidays, reader)
        guard let defaultNode = fields["defaultTeam"] else {
            throw reader.error("defaultTeam is missing: the team that takes what no rule places", at: root)
        }
        let defaultTeam = try Self.teamID(defaultNode, "defaultTeam", known: teams, reader)
        let rules = try fields["routing"].map { node throws(ConfigurationError) in try Self.rules(node, teams: teams, reader) }
        let table = RoutingTable(teams: teams, rules: rules ?? [], defaultTeam: defaultTeam)
        var sla = SLAPolicy.standard
        if let node = fields["firstResponse"] {
            sla.firstResponse = try Self.targets(node, key: "firstResponse", standard: sla.firstResponse, reader)
        }
        if let node = fields["resolution"] {
            sla.resolution = try Self.targets(node, key: "resolution", standard: sla.resolution, reader)
        }

        var warnings: [String] = holidays.warnings
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
        let managers = try fields["managers"].map { node throws(ConfigurationError) in try Self.managers(node, reader) }
        let timers = try Self.timers(
            duty: fields["duty"], waiting: fields["waiting"], reopenWithin: fields["reopenWithin"],
            timeZone: timeZone ?? WorkingHours.chinaStandardTime, reader)
        var settings = EscalationSettings(
            routing: table, intake: intake, overrides: overrides ?? .none, timers: timers, managers: managers ?? [:])
        settings.sla = sla
        return (settings, warnings)
    }

    /// The standard settings, their team on the default holiday calendar.
    private static func standard(holidays: inout HolidayFiles, _ reader: Reader) throws(ConfigurationError)
        -> EscalationSettings
    {
        var settings = EscalationSettings.standard
        for index in settings.routing.teams.indices {
            settings.routing.teams[index].holidays = try holidays.calendar(named: nil, at: nil, reader)
        }
        return settings
    }

    /// The text of the file at `url`; nil when there is no such file.
    static func text(at url: URL) throws(ConfigurationError) -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError("cannot read \(url.path) as UTF-8 text")
        }
        return text
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
    /// The YAML document in `text`, or the syntax error with its line.
    static func compose(_ text: String, fileName: String) throws(ConfigurationError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error, fileName: fileName)
        }
    }

    static func syntaxError(_ error: any Error, fileName: String) -> ConfigurationError {
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
