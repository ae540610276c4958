import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// The `teams` list: each with an id, a name, members and/or a lead, optional hours, an optional
    /// holiday calendar (`holidays`: a file beside this one, or `none`; `holidays.yaml` when absent), an
    /// optional `cap` on each member's active tickets and optional `onCall` members for urgent tickets
    /// outside working hours.
    static func teams(_ node: Node, timeZone: TimeZone, holidays: inout HolidayFiles, _ reader: Reader)
        throws(ConfigurationError) -> [Team]
    {
        var teams: [Team] = []
        var lines: [TeamID: Int] = [:]
        for item in try reader.list(node, "teams") {
            // Name the team in a complaint about its keys when its id can be read.
            let label = item["id"]?.scalar.map { "team \"\($0.string)\"" } ?? "a team"
            let fields = try reader.fields(
                item, of: label, allowed: ["id", "name", "lead", "members", "hours", "holidays", "cap", "onCall", "offer"])
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
                try Self.hours(node, what: "team \"\(id)\"'s hours", timeZone: timeZone, reader)
            }
            let cap = try fields["cap"].map { node throws(ConfigurationError) in try Self.cap(node, team: id, reader) }
            let onCall = try fields["onCall"].map { node throws(ConfigurationError) in
                try Self.onCall(node, team: id, members: members ?? [], lead: lead, reader)
            }
            var offersToEveryone = false
            if let node = fields["offer"] {
                switch try reader.text(node, "team \"\(id)\"'s offer").lowercased() {
                case "one": offersToEveryone = false
                case "team", "everyone": offersToEveryone = true
                case let other:
                    throw reader.error(
                        "team \"\(id)\"'s offer: \"\(other)\" is neither one (the member assignment chooses) nor team "
                            + "(every member on duty; the first to claim takes it)", at: node)
                }
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
                    holidays: calendar, cap: cap, onCall: onCall ?? [], offersToEveryone: offersToEveryone))
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

    /// A team's `cap`: the most active tickets one member holds before new ones go to the others, a
    /// whole number from 1.
    static func cap(_ node: Node, team: TeamID, _ reader: Reader) throws(ConfigurationError) -> Int {
        let text = try reader.text(node, "team \"\(team)\"'s cap")
        guard let cap = Int(text), cap > 0 else {
            throw reader.error(
                "team \"\(team)\"'s cap: \"\(text)\" is not a whole number from 1 (the most active tickets a "
                    + "member holds before new ones go to the others; leave cap out for no limit)", at: node)
        }
        return cap
    }

    /// A team's `onCall`: user ids, each a member or the lead of the team, who take urgent tickets outside
    /// working hours with the lead. Someone outside the team is refused at their line: they would be woken
    /// for a team whose tickets they cannot see in their queue.
    static func onCall(_ node: Node, team: TeamID, members: [String], lead: String?, _ reader: Reader)
        throws(ConfigurationError) -> [String]
    {
        let what = "team \"\(team)\"'s onCall"
        // A list item has its own line; one text stands for a list of one.
        let items = node.scalar != nil && !reader.isNull(node) ? [node] : try reader.list(node, what)
        var onCall: [String] = []
        for item in items {
            let user = try reader.text(item, "each of \(what)")
            guard members.contains(user) || user == lead else {
                let everyone =
                    (members.isEmpty ? [] : ["members: " + members.joined(separator: ", ")])
                    + (lead.map { ["lead: \($0)"] } ?? [])
                throw reader.error(
                    "\(what) names \"\(user)\", who is neither a member nor the lead of the team "
                        + "(\(everyone.joined(separator: "; ")))", at: item)
            }
            guard !onCall.contains(user) else { throw reader.error("\(what) names \"\(user)\" twice", at: item) }
            onCall.append(user)
        }
        return onCall
    }

    /// `hours` (`what` names them in messages): an optional `timeZone` and days (`mon` … `sun`, ranges
    /// such as `mon-fri`, or `daily`) with periods ("09:00-18:00, 13:00-16:00", a list of them, or
    /// `closed`). Later keys replace the days earlier ones gave: `daily` then `sun: closed`. A team's hours
    /// and the stores' (`waiting.storeHours`) are written the same way.
    static func hours(_ node: Node, what: String, timeZone: TimeZone, _ reader: Reader) throws(ConfigurationError)
        -> WorkingHours
    {
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
            throw reader.error("\(what) have no open period: no time would ever count", at: node)
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
