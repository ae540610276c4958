import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// The holiday calendars the teams use, each file read once: `holidays.yaml` for every team that names
    /// none, or the file a team names (`holidays: holidays-hk.yaml`) beside `escalation.yaml`.
    struct HolidayFiles {
        /// The calendar every team uses unless it names another.
        static let defaultName = "holidays.yaml"
        /// What a team writes for no holiday calendar: its weekly hours apply whatever the date.
        static let noneWords: Set<String> = ["none", "无"]

        /// The text of a file by its name, nil when it does not exist.
        let read: (String) throws(ConfigurationError) -> String?
        /// What the files had that works but deserves a look: a missing `holidays.yaml`, a make-up workday
        /// on a weekday.
        private(set) var warnings: [String] = []
        private var loaded: [String: HolidayCalendar] = [:]

        init(read: @escaping (String) throws(ConfigurationError) -> String?) {
            self.read = read
        }

        /// The calendar in the file `name` (nil: the default file), which `node` of `reader`'s file names.
        ///
        /// A missing default file is no holiday data: a calendar with no year published, so that every
        /// day follows the weekly hours and the missing dates are reported; a missing file a team names is
        /// an error at its line. A broken file is an error at its own line.
        mutating func calendar(named name: String?, at node: Node?, _ reader: Reader) throws(ConfigurationError)
            -> HolidayCalendar
        {
            let file = name ?? Self.defaultName
            if let calendar = loaded[file] { return calendar }
            let calendar: HolidayCalendar
            if let text = try read(file) {
                let parsed = try EscalationFile.holidayCalendar(text, fileName: file)
                calendar = parsed.calendar
                warnings += parsed.warnings
            } else if name == nil {
                calendar = .unpublished(name: file)
                warnings.append(
                    "\(file) is missing beside \(reader.fileName): no holiday data, so working time follows the "
                        + "weekly hours alone (public holidays and 调休 make-up workdays are ignored)")
            } else {
                throw reader.error(
                    "the holiday calendar \"\(file)\" does not exist beside \(reader.fileName) (write a file name "
                        + "there, or none for no holidays)", at: node)
            }
            loaded[file] = calendar
            return calendar
        }
    }

    /// Reads a holiday calendar (`holidays.yaml`): per year, the holidays of the State Council's notice,
    /// each with its days off and its make-up workdays. Every mistake is an error with its line; a
    /// make-up workday on a weekday (which changes nothing for a Monday-to-Friday team and is most likely
    /// a typo) is a warning.
    static func holidayCalendar(_ text: String, fileName: String) throws(ConfigurationError)
        -> (calendar: HolidayCalendar, warnings: [String])
    {
        let reader = Reader(fileName: fileName)
        let root = try Self.compose(text, fileName: fileName)
        guard let root, !reader.isNull(root) else {
            throw reader.error("the file is empty: write years, with each year's holidays (see the shipped file)", at: nil)
        }
        let fields = try reader.fields(root, of: "the file", allowed: ["years"])
        guard let yearsNode = fields.values["years"] else {
            throw reader.error("years is missing: the holidays of each year, by year", at: root)
        }
        var years: [Int: [HolidayCalendar.Holiday]] = [:]
        var warnings: [String] = []
        // Where each date was first given, so that a date given twice names both lines.
        var seen: [CalendarDay: Int] = [:]
        for (key, keyNode, value) in try reader.entries(yearsNode, of: "years") {
            guard key.count == 4, let year = Int(key), (1949...2999).contains(year) else {
                throw reader.error("\"\(key)\" in years is not a year such as 2026", at: keyNode)
            }
            var holidays: [HolidayCalendar.Holiday] = []
            for item in try reader.list(value, "years.\(year)") {
                let fields = try reader.fields(item, of: "a holiday of \(year)", allowed: ["name", "daysOff", "workdays"])
                guard let nameNode = fields["name"] else {
                    throw reader.error("a holiday of \(year) has no name (元旦, 春节 …)", at: item)
                }
                let name = try reader.text(nameNode, "a holiday's name")
                guard let offNode = fields["daysOff"] else {
                    throw reader.error("\(year) \(name) has no daysOff (the days off, such as 2026-10-01..2026-10-07)", at: item)
                }
                let daysOff = try Self.days(offNode, what: "\(year) \(name)'s daysOff", year: year, reader)
                let workdays = try fields["workdays"].map { node throws(ConfigurationError) in
                    try Self.days(node, what: "\(year) \(name)'s workdays", year: year, reader)
                }
                for (days, node) in [(daysOff, offNode), (workdays ?? [], fields["workdays"] ?? offNode)] {
                    for day in days {
                        if let line = seen[day] {
                            throw reader.error("\(day) is given twice (first on line \(line))", at: node)
                        }
                        seen[day] = node.mark?.line ?? 0
                    }
                }
                for day in workdays ?? [] where !day.isWeekend {
                    warnings.append(
                        reader.message(
                            "\(day), a make-up workday of \(name), is a \(day.weekday.rawValue): 调休 workdays are "
                                + "Saturdays or Sundays, so this changes nothing for a Monday-to-Friday team",
                            at: fields["workdays"]))
                }
                holidays.append(HolidayCalendar.Holiday(name: name, daysOff: daysOff, workdays: workdays ?? []))
            }
            years[year] = holidays
        }
        return (HolidayCalendar(name: fileName, years: years), warnings)
    }

    /// Dates as written in a holiday: one date (2026-10-01), a range (2026-10-01..2026-10-07, also with
    /// `~` or `至`), or a list of them; each in `year` or its neighbours (a notice's 元旦 may start on
    /// 31 December).
    private static func days(_ node: Node, what: String, year: Int, _ reader: Reader) throws(ConfigurationError)
        -> [CalendarDay]
    {
        var days: [CalendarDay] = []
        for text in try reader.texts(node, what) {
            let ends = Self.rangeEnds(text)
            guard let first = CalendarDay(parsing: ends.first), let last = CalendarDay(parsing: ends.last) else {
                throw reader.error(
                    "\(what): \"\(text)\" is not a date such as 2026-10-01 or a range such as 2026-10-01..2026-10-07",
                    at: node)
            }
            guard first <= last else { throw reader.error("\(what): \"\(text)\" ends before it starts", at: node) }
            let range = first.through(last)
            // No holiday of a notice lasts longer than a few weeks; a longer range is a typo in a month.
            guard range.count <= 31 else {
                throw reader.error("\(what): \"\(text)\" is \(range.count) days long; a holiday lasts at most 31", at: node)
            }
            for day in [first, last] where abs(day.year - year) > 1 {
                throw reader.error("\(what): \(day) is not in \(year) or a year next to it", at: node)
            }
            days += range
        }
        guard !days.isEmpty else { throw reader.error("\(what) lists no date", at: node) }
        return days
    }

    /// The two ends of "2026-10-01..2026-10-07" (the same text twice for one date).
    private static func rangeEnds(_ text: String) -> (first: String, last: String) {
        for separator in ["..", "~", "～", "至"] {
            if let range = text.range(of: separator) {
                return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
            }
        }
        return (text, text)
    }
}
