/// Public holidays and make-up workdays (调休) by date, year by year, as the State Council's yearly notice
/// (国务院办公厅关于某年部分节假日安排的通知) gives them; read from `Config/holidays.yaml`.
///
/// A year that is absent or has no holidays is **not published yet**: its days follow the weekly hours
/// alone, and `isPublished(year:)` says so, so that due times crossing it can be marked provisional and
/// the team's lead can be told to add the dates. It never means "a year without holidays", which China
/// does not have.
public struct HolidayCalendar: Sendable, Equatable {
    /// One holiday of a notice: its days off and the weekend days worked in exchange.
    public struct Holiday: Sendable, Equatable {
        /// As the notice names it: 元旦, 春节, 国庆节.
        public var name: String
        /// The days off (放假), weekends included.
        public var daysOff: [CalendarDay]
        /// The make-up workdays (上班) that belong to this holiday.
        public var workdays: [CalendarDay]

        public init(name: String, daysOff: [CalendarDay], workdays: [CalendarDay] = []) {
            self.name = name
            self.daysOff = daysOff
            self.workdays = workdays
        }

        /// A holiday from `first` to `last` (both days off), with `workdays`.
        public init(name: String, from first: CalendarDay, through last: CalendarDay, workdays: [CalendarDay] = []) {
            self.init(name: name, daysOff: first.through(last), workdays: workdays)
        }
    }

    /// What messages call the calendar: the file it comes from, such as `holidays.yaml`.
    public let name: String
    /// The holidays per year of the notice that announced them; an empty list means not published yet.
    /// (A notice's dates may spill into the neighbouring year: a 元旦 that starts on 31 December.)
    public let years: [Int: [Holiday]]
    /// Every special day by date, for the look-ups the arithmetic makes for each day it crosses.
    private let days: [CalendarDay: SpecialDay]

    /// A calendar of `years`. A date given twice keeps its first meaning (in year order, each holiday's
    /// days off before its workdays); the file reader refuses such a file with both lines.
    public init(name: String, years: [Int: [Holiday]]) {
        self.name = name
        self.years = years
        var days: [CalendarDay: SpecialDay] = [:]
        for year in years.keys.sorted() {
            for holiday in years[year] ?? [] {
                for day in holiday.daysOff where days[day] == nil { days[day] = .holiday(holiday.name) }
                for day in holiday.workdays where days[day] == nil { days[day] = .makeUpWorkday(holiday.name) }
            }
        }
        self.days = days
    }

    /// A calendar with no year published: every day follows the weekly hours, and every year is reported
    /// as missing. What a team gets when `holidays.yaml` does not exist.
    public static func unpublished(name: String) -> HolidayCalendar {
        HolidayCalendar(name: name, years: [:])
    }

    /// Whether the dates of `year` are known. False for a year that is absent or listed without holidays.
    public func isPublished(year: Int) -> Bool {
        !(years[year] ?? []).isEmpty
    }

    /// The years whose dates are known, in order.
    public var publishedYears: [Int] {
        years.keys.filter { isPublished(year: $0) }.sorted()
    }

    /// What the calendar says of `day`: a holiday, a make-up workday, or nil for an ordinary day (which
    /// includes every day of a year not published yet).
    public func specialDay(_ day: CalendarDay) -> SpecialDay? {
        days[day]
    }
}
