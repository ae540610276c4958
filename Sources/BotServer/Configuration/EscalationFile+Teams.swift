import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// The `teams` list: each with an id, a name, members and/or a lead, optional hours, and an optional
    /// holiday calendar (`holidays`: a file beside this one, or `none`; `holidays.yaml` when absent).
    static func teams(_ node: Node, timeZone: TimeZone, holidays: inout HolidayFiles, _ reader: Reader)
        throws(ConfigurationError) -> [Team]
    {
        var teams: [Team] = []
        var lines: [TeamID: Int] = [:]
        for item in try reader.list(node, "teams") {
            // Name the team in a complaint about its keys when its id can be read.
            let label = item["id"]?.scalar.map { "team \"\($0.string)\"" } ?? "a team"
            let fields = try reader.fields(item, of: label, allowed: ["id", "name", "lead", "members", "hours", "holidays"])
            guard let idNode = fields["id"] else { throw reader.error("a team has no id", at: item) }
            let id = TeamID(try reader.text(idNode, "a team's id"))
            guard !id.rawValue.contains(where: \.isWhitespace) else {
                throw reader.error("team id \"\(id)\" must be one word (agents type it: \"#1001 转 \(id)\")", at: idNode)
            }
            if let line = lines[id] {
                throw reader.error("team id \"\(id)\" is used twice (first on line \(line))", at: idNode)
            }
            lines[id] = idNode.mark?.line ?? 0
            guard let nameNode = fields["name"] else {
                throw reader.error("team \"\(id)\" has no name (the name associates see)", at: item)
            }
            let name = try reader.text(nameNode, "team \"\(id)\"'s name")
            if let other = teams.first(where: { $0.name == name }) {
                throw reader.error("teams \"\(other.id)\" and \"\(id)\" have the same name \"\(name)\"", at: nameNode)
            }
            let members = try fields["members"].map { node throws(ConfigurationError) in
                try reader.texts(node, "team \"\(id)\"'s members")
            }
            let lead = try fields["lead"].map { node throws(ConfigurationError) in
                try reader.text(node, "team \"\(id)\"'s lead")
            }
            guard !(members ?? []).isEmpty || lead != nil else {
                throw reader.error("team \"\(id)\" has no members and no lead", at: item)
            }
            let hours = try fields["hours"].map { node throws(ConfigurationError) in
                try Self.hours(node, team: id, timeZone: timeZone, reader)
            }
            let calendar: HolidayCalendar?
            if let node = fields["holidays"] {
                let file = try reader.text(node, "team \"\(id)\"'s holidays")
                calendar =
                    HolidayFiles.noneWords.contains(file.lowercased())
                    ? nil : try holidays.calendar(named: file, at: node, reader)
            } else {
                calendar = try holidays.calendar(named: nil, at: nil, reader)
            }
            teams.append(
                Team(
                    id: id, name: name, members: members ?? [], lead: lead, hours: hours ?? .officeHours(in: timeZone),
                    holidays: calendar))
        }
        guard !teams.isEmpty else { throw reader.error("teams is empty: name at least one team", at: node) }
        return teams
    }

    /// A team id that must be one of `known`.
    static func teamID(_ node: Node, _ what: String, known: [Team], _ reader: Reader) throws(ConfigurationError) -> TeamID {
        let id = TeamID(try reader.text(node, what))
        guard known.contains(where: { $0.id == id }) else {
            throw reader.error(
                "\(what) names team \"\(id)\", which is not in teams (\(known.map(\.id.rawValue).joined(separator: ", ")))",
                at: node)
        }
        return id
    }

    /// A team's `hours`: an optional `timeZone` and days (`mon` … `sun`, ranges such as `mon-fri`, or
    /// `daily`) with periods ("09:00-18:00, 13:00-16:00", a list of them, or `closed`). Later keys replace
    /// the days earlier ones gave: `daily` then `sun: closed`.
    static func hours(_ node: Node, team: TeamID, timeZone: TimeZone, _ reader: Reader) throws(ConfigurationError)
        -> WorkingHours
    {
        let what = "team \"\(team)\"'s hours"
        var zone = timeZone
        var weekly: [Weekday: [DailyPeriod]] = [:]
        for (key, keyNode, value) in try reader.entries(node, of: what) {
            if key == "timeZone" {
                zone = try Self.timeZone(value, reader)
                continue
            }
            guard let days = Self.days(key) else {
                throw reader.error(
                    "unknown day \"\(key)\" in \(what) (write mon, tue, wed, thu, fri, sat, sun, a range such as "
                        + "mon-fri, or daily)", at: keyNode)
            }
            let periods = try Self.periods(value, what: "\(what) on \(key)", reader)
            for day in days { weekly[day] = periods }
        }
        guard weekly.values.contains(where: { !$0.isEmpty }) else {
            throw reader.error("\(what) have no open period: the team would never work", at: node)
        }
        return WorkingHours(timeZone: zone, weekly: weekly)
    }

    /// `mon`, `mon-fri` (also across the week's end: `fri-mon`) or `daily`.
    static func days(_ key: String) -> [Weekday]? {
        let key = key.lowercased()
        if key == "daily" { return Weekday.allCases }
        let ends = key.split(separator: "-", omittingEmptySubsequences: false).map {
            Weekday(rawValue: $0.trimmingCharacters(in: .whitespaces))
        }
        guard (1...2).contains(ends.count), let first = ends.first!, let last = ends.last! else { return nil }
        let all = Weekday.allCases
        var index = all.firstIndex(of: first)!
        var days = [first]
        while all[index] != last {
            index = (index + 1) % all.count
            days.append(all[index])
        }
        return days
    }

    /// A day's periods: "09:00-18:00, 13:00-16:00", a list of such texts, or `closed` (also `休息`, `[]`).
    static func periods(_ node: Node, what: String, _ reader: Reader) throws(ConfigurationError) -> [DailyPeriod] {
        let texts: [String]
        if let scalar = node.scalar, !reader.isNull(node) {
            texts = scalar.string.split(whereSeparator: { ",，;；".contains($0) }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        } else {
            texts = try reader.texts(node, what)
        }
        if texts.count == 1, ["closed", "off", "休息", "不上班"].contains(texts[0].lowercased()) { return [] }
        var periods: [DailyPeriod] = []
        for text in texts {
            guard let period = DailyPeriod(parsing: text) else {
                throw reader.error(
                    "\(what): \"\(text)\" is not a time range like 09:00-18:00 within one day (00:00 to 24:00; a "
                        + "night shift is two ranges, one ending at 24:00 and one starting at 00:00)", at: node)
            }
            periods.append(period)
        }
        periods.sort()
        for (earlier, later) in zip(periods, periods.dropFirst()) where later.start < earlier.end {
            throw reader.error("\(what): \(earlier) and \(later) overlap", at: node)
        }
        return periods
    }
}
