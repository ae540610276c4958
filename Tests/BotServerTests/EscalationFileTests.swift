import Categories
import Escalation
import Foundation
import GRDB
import Logging
import Testing
import WeComAdapter

@testable import BotServer

/// `escalation.yaml`: the shipped file, mistakes reported with their line, and the places it sets.
@Suite("escalation.yaml")
struct EscalationFileTests {
    static let shippedFile = TestConfiguration.seedConfig.appendingPathComponent("escalation.yaml")
    static let categories: Set<CategoryID> = ["order", "logistics", "system", "operations"]
    /// The categories' own team fields in Config/categories.jsonl.
    static let categoryTeams: [CategoryID: TeamID] = [
        "order": "order-support", "logistics": "logistics-support", "system": "it-support",
        "operations": "operations-support",
    ]

    /// The unknown associates' failed look-ups are expected here, not news.
    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A minimal valid file, with `extra` appended.
    static func file(_ extra: String = "") -> String {
        """
        defaultTeam: hq-service
        teams:
          - id: hq-service
            name: 总部客服中心
            members: [hq_cai]

        """ + extra
    }

    /// The shipped holiday calendar, as `holidays.yaml` beside the file being parsed.
    static func shippedHolidays(_ name: String) -> String? {
        name == "holidays.yaml"
            ? try? String(contentsOf: TestConfiguration.seedConfig.appendingPathComponent(name), encoding: .utf8) : nil
    }

    func parse(_ text: String) throws(ConfigurationError) -> (EscalationSettings, warnings: [String]) {
        try EscalationFile.parse(
            text, fileName: "escalation.yaml", knownCategories: Self.categories, holidayFiles: Self.shippedHolidays)
    }

    /// The message of the error parsing `text` gives.
    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("The shipped file loads without warnings and routes every question of 华南区 to south-ops")
    func shippedFile() throws {
        let (settings, warnings) = try EscalationFile.load(from: Self.shippedFile, knownCategories: Self.categories)
        #expect(warnings.isEmpty)
        let routing = settings.routing
        #expect(routing.teams.map(\.id) == ["south-ops", "east-north", "hq-service"])
        for category in Array(Self.categories) + [nil] {
            let categoryTeam = category.flatMap { Self.categoryTeams[$0] }
            #expect(routing.route(category: category, region: "华南区", categoryTeam: categoryTeam).id == "south-ops")
            #expect(routing.route(category: category, region: "华东区", categoryTeam: categoryTeam).id == "east-north")
            #expect(routing.route(category: category, region: "华北区", categoryTeam: categoryTeam).id == "east-north")
            #expect(routing.route(category: category, region: nil, categoryTeam: categoryTeam).id == "hq-service")
        }
        let south = try #require(routing.team("south-ops"))
        #expect(south.name == "华南区营运支持")
        #expect(south.members == ["hq_amy", "hq_bob"])
        #expect(south.lead == "hq_cai")
        #expect(south.hours.timeZone.identifier == "Asia/Shanghai")
        #expect(south.hours.weekly[.sat]?.count == 2)
        #expect(routing.team("hq-service")?.hours.weekly[.sat] == nil)
        for agent in ["hq_amy", "hq_bob", "hq_cai"] { #expect(routing.isAgent(agent)) }
        for associate in ["zhangsan", "lisi", "wangwu", "zhaoliu"] { #expect(!routing.isAgent(associate)) }
        #expect(routing.firstResponse == RoutingTable.standardFirstResponse)
        #expect(settings.sla == .standard)
        #expect(settings.intake == IntakePlan.standard)
        // Every team works on the shipped holiday calendar.
        for team in routing.teams {
            #expect(team.holidays?.name == "holidays.yaml")
            #expect(team.holidays?.isPublished(year: 2026) == true)
        }
        // 华南区 has a cap and Amy on call; the timers are shown with their defaults.
        #expect(south.cap == 20)
        #expect(south.onCall == ["hq_amy"])
        #expect(routing.team("east-north")?.cap == nil)
        #expect(routing.team("east-north")?.onCall == [])
        #expect(settings.managers == ["华南区": "hq_cai"])
        #expect(settings.timers == TicketTimers())
    }

    @Test("An absent file means the standard settings, on holidays.yaml's calendar when there is one")
    func absentFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/escalation.yaml")
        let (settings, warnings) = try EscalationFile.load(from: missing, knownCategories: nil)
        var expected = EscalationSettings.standard
        expected.routing.teams[0].holidays = .unpublished(name: "holidays.yaml")
        #expect(settings == expected)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("holidays.yaml is missing") == true)
        // Beside the shipped holidays.yaml, the standard team gets its dates and nothing is worth a warning.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("escalation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: TestConfiguration.seedConfig.appendingPathComponent("holidays.yaml"),
            to: folder.appendingPathComponent("holidays.yaml"))
        let (beside, none) = try EscalationFile.load(
            from: folder.appendingPathComponent("escalation.yaml"), knownCategories: nil)
        #expect(none.isEmpty)
        #expect(beside.routing.teams.first?.holidays?.publishedYears == [2026])
    }

    @Test("Every key is read: teams, hours, routing, promises, intake and overrides")
    func fullFile() throws {
        let (settings, warnings) = try parse(
            """
            timeZone: Asia/Urumqi
            defaultTeam: hq
            teams:
              - id: south
                name: 华南区营运支持
                lead: hq_cai
                hours:
                  timeZone: Asia/Shanghai
                  daily: "09:00-21:00"
                  sun: closed
              - id: hq
                name: 总部客服中心
                members: hq_amy
            routing:
              - categories: order
                region: 华南区
                team: south
            firstResponse:
              urgent: 5m
              low: 1.5h working
            intake:
              order: []
              system:
                - key: system
                  ask: 哪个系统？
            overrides:
              users:
                zhaoliu: {store: 北京王府井店, region: 华北区}
              departments:
                31: {region: 华南区}
            """)
        #expect(warnings.isEmpty)
        let south = try #require(settings.routing.team("south"))
        #expect(south.members.isEmpty)
        #expect(south.hours.timeZone.identifier == "Asia/Shanghai")
        #expect(south.hours.weekly[.sat] == [DailyPeriod(parsing: "09:00-21:00")!])
        #expect(south.hours.weekly[.sun] == [])
        let hq = try #require(settings.routing.team("hq"))
        #expect(hq.members == ["hq_amy"])
        #expect(hq.hours == .officeHours(in: TimeZone(identifier: "Asia/Urumqi")!))
        #expect(settings.routing.rules == [RoutingRule(categories: ["order"], region: "华南区", team: "south", line: 15)])
        #expect(settings.routing.firstResponse[.urgent] == .minutes(5))
        #expect(settings.routing.firstResponse[.low] == .hours(1.5))
        #expect(settings.routing.firstResponse[.normal] == .hours(2))
        #expect(settings.intake.questions(for: "order").isEmpty)
        #expect(settings.intake.questions(for: "system").map(\.prompt) == ["哪个系统？"])
        #expect(settings.intake.questions(for: "logistics") == IntakePlan.standard.questions(for: "logistics"))
        #expect(settings.overrides.users["zhaoliu"] == PlaceOverride(store: "北京王府井店", region: "华北区"))
        #expect(settings.overrides.departments[31] == PlaceOverride(region: "华南区"))
    }

    @Test(
        "Mistakes stop the start with the file and the line",
        arguments: [
            // A team without anyone in it.
            (
                EscalationFileTests.file("  - id: south\n    name: 华南区营运支持\n    hours: {mon-fri: \"09:00-18:00\"}\n"), 6,
                "has no members and no lead"
            ),
            // A misspelt key.
            (
                EscalationFileTests.file("  - id: south\n    name: 华南\n    membres: [hq_amy]\n"), 8,
                "unknown key \"membres\" in team \"south\""
            ),
            // A routing rule for a team that does not exist.
            (
                EscalationFileTests.file("routing:\n  - region: 华南区\n    team: south-ops\n"), 8,
                "team \"south-ops\", which is not in teams"
            ),
            // A time past midnight.
            (
                EscalationFileTests.file(
                    "  - id: south\n    name: 华南\n    lead: hq_cai\n    hours:\n      mon-fri: \"9:00-25:00\"\n"), 10,
                "9:00-25:00"
            ),
            // A day that is not a day.
            (
                EscalationFileTests.file(
                    "  - id: south\n    name: 华南\n    lead: hq_cai\n    hours:\n      mon-fry: \"09:00-18:00\"\n"), 10,
                "unknown day \"mon-fry\""
            ),
            // An unknown time zone.
            ("timeZone: Asia/Shanghia\n" + EscalationFileTests.file(), 1, "unknown time zone \"Asia/Shanghia\""),
            // The same team twice.
            (
                EscalationFileTests.file("  - id: hq-service\n    name: 总部客服中心二\n    lead: hq_cai\n"), 6,
                "team id \"hq-service\" is used twice (first on line 3)"
            ),
            // A priority that does not exist.
            (EscalationFileTests.file("firstResponse:\n  critical: 5m\n"), 7, "unknown priority \"critical\""),
            // A duration without a unit.
            (EscalationFileTests.file("firstResponse:\n  high: 30\n"), 7, "is not a duration"),
            // A default team that does not exist.
            (
                EscalationFileTests.file().replacingOccurrences(of: "defaultTeam: hq-service", with: "defaultTeam: hq"), 1,
                "defaultTeam names team \"hq\""
            ),
            // Overlapping periods.
            (
                EscalationFileTests.file(
                    "  - id: south\n    name: 华南\n    lead: hq_cai\n    hours:\n      sat: 10:00-12:00, 11:00-16:00\n"), 10,
                "overlap"
            ),
            // Three intake questions.
            (
                EscalationFileTests.file("intake:\n  order: [{key: a, ask: a}, {key: b, ask: b}, {key: c, ask: c}]\n"), 7,
                "at most 2"
            ),
            // A YAML syntax error.
            (EscalationFileTests.file("routing:\n  - region: 华南区\n   team: hq-service\n"), 8, "not valid YAML"),
        ])
    func mistakes(text: String, line: Int, fragment: String) {
        let message = error(text)
        #expect(message?.hasPrefix("escalation.yaml line \(line): ") == true, "\(message ?? "no error")")
        #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
    }

    @Test("A rule for a category that does not exist is a warning with its line, not an error")
    func unknownCategory() throws {
        let (settings, warnings) = try parse(
            Self.file("routing:\n  - categories: [order, refunds]\n    team: hq-service\nintake:\n  refunds: []\n"))
        #expect(settings.routing.rules.count == 1)
        #expect(warnings.count == 2)
        #expect(warnings.first?.hasPrefix("escalation.yaml line 7: ") == true)
        #expect(warnings.first?.contains("\"refunds\"") == true)
        #expect(warnings.last?.hasPrefix("escalation.yaml line 10: ") == true)
        // Without the list of categories, nothing is checked.
        let unchecked = try EscalationFile.parse(
            Self.file("routing:\n  - categories: [refunds]\n    team: hq-service\n"), knownCategories: nil,
            holidayFiles: Self.shippedHolidays)
        #expect(unchecked.warnings.isEmpty)
    }

    @Test("The directory's place, corrected by the department's override and then the associate's own")
    func overridesInTheDirectory() async throws {
        let database = try DatabaseQueue()
        try AppDatabase.migrator.migrate(database)
        let overrides = PlaceOverrides(
            users: [
                "lisi": PlaceOverride(store: "杭州湖滨店"),
                "zhaoliu": PlaceOverride(store: "北京王府井店", region: "华北区"),
            ],
            departments: [31: PlaceOverride(store: "广州天河旗舰店", region: "华南大区"), 22: PlaceOverride(region: "浙江区")])
        let cache = DirectoryCache(
            database: database, lookup: FixedDirectory(), settings: DirectorySettings(),
            logger: Self.quietLogger, overrides: overrides)
        let now = Date()
        let wangwu = await cache.place(of: "wangwu", now: now)
        #expect(wangwu?.store == "广州天河旗舰店")
        #expect(wangwu?.region == "华南大区")
        #expect(wangwu?.name == "王五")
        // The department gives the region, the associate's own override the store.
        let lisi = await cache.place(of: "lisi", now: now)
        #expect(lisi?.store == "杭州湖滨店")
        #expect(lisi?.region == "浙江区")
        // No override: the directory's place.
        let zhangsan = await cache.place(of: "zhangsan", now: now)
        #expect(zhangsan?.store == "上海南京路店")
        #expect(zhangsan?.region == "华东区")
        // Unknown to the directory: the override alone.
        let zhaoliu = await cache.place(of: "zhaoliu", now: now)
        #expect(zhaoliu?.store == "北京王府井店")
        #expect(zhaoliu?.region == "华北区")
        #expect(await cache.place(of: "nobody", now: now) == nil)
        // From the cache, the overrides still apply.
        #expect(await cache.place(of: "lisi", now: now.addingTimeInterval(60))?.store == "杭州湖滨店")
        #expect(await cache.place(of: "wangwu", now: now.addingTimeInterval(60))?.region == "华南大区")
    }

    @Test("Without WeCom, an associate with an override still has a place")
    func overridesWithoutWeCom() async throws {
        let database = try DatabaseQueue()
        try AppDatabase.migrator.migrate(database)
        let cache = DirectoryCache(
            database: database, lookup: nil, settings: DirectorySettings(), logger: Self.quietLogger,
            overrides: PlaceOverrides(users: ["zhaoliu": PlaceOverride(region: "华北区")]))
        let place = await cache.place(of: "zhaoliu", now: Date())
        #expect(place?.region == "华北区")
        #expect(place?.store == nil)
        #expect(await cache.place(of: "wangwu", now: Date()) == nil)
    }
}

/// Caps, on-call members, the regions' managers and the ticket timers (`duty`, `waiting`, `reopenWithin`).
extension EscalationFileTests {
    @Test("Caps, on-call members, managers, duty, waiting and reopenWithin are read")
    func dutyAndTimers() throws {
        let (settings, warnings) = try parse(
            """
            timeZone: Asia/Urumqi
            defaultTeam: south
            teams:
              - id: south
                name: 华南区营运支持
                lead: hq_cai
                members: [hq_amy, hq_bob]
                cap: 3
                onCall: [hq_bob, hq_cai]
              - id: night
                name: 夜班
                lead: hq_dan
                onCall: hq_dan
            managers:
              华南区: hq_cai
              "*": hq_zoe
            duty:
              returnAfter: 1h
            waiting:
              storeHours:
                timeZone: Asia/Shanghai
                mon-fri: "09:00-21:00"
                sat-sun: "10:00-22:00"
              remindAfter: 90m
              closeAfter: 30h
            reopenWithin: 3d
            """)
        #expect(warnings.isEmpty)
        let south = try #require(settings.routing.team("south"))
        #expect(south.cap == 3)
        #expect(south.onCall == ["hq_bob", "hq_cai"])
        let night = try #require(settings.routing.team("night"))
        #expect(night.cap == nil)
        #expect(night.onCall == ["hq_dan"])
        #expect(settings.managers == ["华南区": "hq_cai", "*": "hq_zoe"])
        let timers = settings.timers
        #expect(timers.unresponsiveAfter == .hours(1, working: false))
        #expect(
            timers.storeHours
                == WorkingHours(
                    timeZone: TimeZone(identifier: "Asia/Shanghai")!,
                    weekly: [
                        .mon: [DailyPeriod(parsing: "09:00-21:00")!], .tue: [DailyPeriod(parsing: "09:00-21:00")!],
                        .wed: [DailyPeriod(parsing: "09:00-21:00")!], .thu: [DailyPeriod(parsing: "09:00-21:00")!],
                        .fri: [DailyPeriod(parsing: "09:00-21:00")!], .sat: [DailyPeriod(parsing: "10:00-22:00")!],
                        .sun: [DailyPeriod(parsing: "10:00-22:00")!],
                    ]))
        #expect(timers.waitReminderAfter == 90 * 60)
        #expect(timers.waitCloseAfter == 30 * 3600)
        #expect(timers.reopenWindow == 3 * 24 * 3600)
        #expect(timers.managerFraction == TicketTimers().managerFraction)
    }

    @Test("Without the new keys: no cap, no one on call, no managers, the standard timers")
    func dutyDefaults() throws {
        let (settings, _) = try parse(Self.file())
        let team = try #require(settings.routing.team("hq-service"))
        #expect(team.cap == nil)
        #expect(team.onCall == [])
        #expect(settings.managers.isEmpty)
        #expect(settings.timers == TicketTimers())
        #expect(settings.timers.unresponsiveAfter == .minutes(30, working: true))
        #expect(settings.timers.waitReminderAfter == 4 * 3600)
        #expect(settings.timers.waitCloseAfter == 26 * 3600)
        #expect(settings.timers.reopenWindow == 72 * 3600)
        // Keys left out of a section keep their defaults; the stores' hours follow the file's time zone.
        let (partial, _) = try parse(
            "timeZone: Asia/Urumqi\n" + Self.file("duty: {}\nwaiting:\n  closeAfter: 48h\nreopenWithin: 24h\n"))
        var expected = TicketTimers(waitCloseAfter: 48 * 3600, reopenWindow: 24 * 3600)
        expected.storeHours.timeZone = TimeZone(identifier: "Asia/Urumqi")!
        #expect(partial.timers == expected)
        // The duration syntax of the targets: working time, decimals, days of 8 working hours.
        let (working, _) = try parse(Self.file("duty:\n  returnAfter: 0.5d working\n"))
        #expect(working.timers.unresponsiveAfter == .hours(4))
    }

    @Test(
        "Mistakes in caps, on-call members, managers and timers stop the start with their line",
        arguments: [
            // Someone on call who is not in the team.
            (
                EscalationFileTests.file(
                    "  - id: south\n    name: 华南\n    lead: hq_cai\n    members: [hq_amy]\n    onCall:\n      - hq_amy\n"
                        + "      - hq_bob\n"), 12,
                "team \"south\"'s onCall names \"hq_bob\", who is neither a member nor the lead of the team "
                    + "(members: hq_amy; lead: hq_cai)"
            ),
            // The same person on call twice.
            (
                EscalationFileTests.file("  - id: south\n    name: 华南\n    lead: hq_cai\n    onCall: [hq_cai, hq_cai]\n"),
                9, "names \"hq_cai\" twice"
            ),
            // A cap of nothing.
            (
                EscalationFileTests.file("  - id: south\n    name: 华南\n    lead: hq_cai\n    cap: 0\n"), 9,
                "team \"south\"'s cap: \"0\" is not a whole number from 1"
            ),
            // A cap that is not a whole number.
            (EscalationFileTests.file("  - id: south\n    name: 华南\n    lead: hq_cai\n    cap: 2.5\n"), 9, "\"2.5\""),
            // Working time for a wait on the store.
            (
                EscalationFileTests.file("waiting:\n  remindAfter: 4h working\n"), 7,
                "waiting.remindAfter: \"4h working\": \"working\" does not apply here; this counts the stores' open hours"
            ),
            // A misspelt key under waiting.
            (
                EscalationFileTests.file("waiting:\n  remindAftr: 4h\n"), 7,
                "unknown key \"remindAftr\" in waiting (expected storeHours, remindAfter, closeAfter)"
            ),
            // Days of store hours.
            (EscalationFileTests.file("waiting:\n  closeAfter: 2d\n"), 7, "waiting.closeAfter: \"2d\": days are not allowed"),
            // A reminder after the close.
            (
                EscalationFileTests.file("waiting:\n  remindAfter: 30h\n"), 7,
                "waiting.remindAfter (30h) must be shorter than closeAfter (26h)"
            ),
            // Stores that never open.
            (
                EscalationFileTests.file("waiting:\n  storeHours:\n    daily: closed\n"), 8,
                "waiting.storeHours have no open period"
            ),
            (
                EscalationFileTests.file("waiting:\n  storeHours:\n    holidays: none\n"), 8,
                "unknown day \"holidays\" in waiting.storeHours"
            ),
            // Not a duration.
            (EscalationFileTests.file("duty:\n  returnAfter: soon\n"), 7, "duty.returnAfter: \"soon\" is not a duration"),
            (EscalationFileTests.file("duty:\n  returnAftr: 1h\n"), 7, "unknown key \"returnAftr\" in duty"),
            // Reopening counts clock time.
            (EscalationFileTests.file("reopenWithin: 72h working\n"), 6, "reopenWithin: \"72h working\": \"working\""),
            (EscalationFileTests.file("reopenWithin: 72\n"), 6, "reopenWithin: \"72\" is not a duration"),
            // A region with two managers, and a manager who is not a user id.
            (EscalationFileTests.file("managers:\n  华南区: [hq_cai, hq_bob]\n"), 7, "managers.华南区 must be a text"),
            (EscalationFileTests.file("managers:\n  华南区: hq cai\n"), 7, "\"hq cai\" is not a WeCom user id"),
            (EscalationFileTests.file("managers:\n  - hq_cai\n"), 7, "managers must be a mapping"),
        ])
    func dutyMistakes(text: String, line: Int, fragment: String) {
        let message = error(text)
        #expect(message?.hasPrefix("escalation.yaml line \(line): ") == true, "\(message ?? "no error")")
        #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
    }
}

/// `holidays.yaml`: the State Council's dates as shipped, a team's own calendar or none, the resolution
/// targets, and mistakes reported with their file and line.
extension EscalationFileTests {
    static func day(_ text: String) -> CalendarDay { CalendarDay(parsing: text)! }

    /// The message of the error reading `text` as a holiday calendar gives.
    func holidayError(_ text: String) -> String? {
        do {
            _ = try EscalationFile.holidayCalendar(text, fileName: "holidays.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test("The shipped holidays.yaml holds the 2026 notice's 33 days off and 6 make-up workdays; 2027 is not published")
    func shippedHolidays() throws {
        let text = try #require(Self.shippedHolidays("holidays.yaml"))
        let (calendar, warnings) = try EscalationFile.holidayCalendar(text, fileName: "holidays.yaml")
        #expect(warnings.isEmpty)
        #expect(calendar.publishedYears == [2026])
        #expect(calendar.years[2027] == [])
        let holidays = try #require(calendar.years[2026])
        #expect(holidays.map(\.name) == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])
        #expect(holidays.map(\.daysOff.count) == [3, 9, 3, 5, 3, 3, 7])
        #expect(
            holidays.flatMap(\.workdays).map(\.description) == [
                "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
            ])
        #expect(calendar.specialDay(Self.day("2026-02-15")) == .holiday("春节"))
        #expect(calendar.specialDay(Self.day("2026-02-23")) == .holiday("春节"))
        #expect(calendar.specialDay(Self.day("2026-02-24")) == nil)
        #expect(calendar.specialDay(Self.day("2026-09-20")) == .makeUpWorkday("国庆节"))
        #expect(calendar.specialDay(Self.day("2026-10-07")) == .holiday("国庆节"))
    }

    @Test("Resolution targets, a team's own calendar file, and a team without holidays")
    func holidaysAndResolution() throws {
        let files = [
            "holidays.yaml": "years:\n  2026:\n    - name: 国庆节\n      daysOff: 2026-10-01..2026-10-07\n",
            "holidays-hk.yaml": "years:\n  2026:\n    - name: 佛诞\n      daysOff: 2026-05-24\n",
        ]
        let (settings, warnings) = try EscalationFile.parse(
            """
            defaultTeam: hq
            teams:
              - id: hq
                name: 总部客服中心
                members: hq_amy
              - id: hk
                name: 香港支持
                lead: hq_cai
                holidays: holidays-hk.yaml
              - id: night
                name: 夜班
                lead: hq_bob
                hours: {daily: "00:00-24:00"}
                holidays: none
            resolution:
              urgent: 2h
              low: 3d working
            """, knownCategories: nil, holidayFiles: { files[$0] })
        #expect(warnings.isEmpty)
        let routing = settings.routing
        #expect(routing.team("hq")?.holidays?.name == "holidays.yaml")
        #expect(routing.team("hq")?.holidays?.specialDay(Self.day("2026-10-01")) == .holiday("国庆节"))
        #expect(routing.team("hk")?.holidays?.name == "holidays-hk.yaml")
        #expect(routing.team("hk")?.holidays?.specialDay(Self.day("2026-05-24")) == .holiday("佛诞"))
        #expect(routing.team("night")?.holidays == nil)
        #expect(settings.calendar(for: "night")?.holidays == nil)
        #expect(settings.sla.target(.resolution, for: .urgent) == .hours(2, working: false))
        #expect(settings.sla.target(.resolution, for: .low) == .hours(24))
        #expect(settings.sla.target(.resolution, for: .normal) == SLAPolicy.standard.target(.resolution, for: .normal))
        #expect(settings.sla.firstResponse == SLAPolicy.standardFirstResponse)
    }

    @Test("Without holidays.yaml: no holiday data, a warning, and every year reported missing")
    func missingHolidays() throws {
        let (settings, warnings) = try EscalationFile.parse(Self.file(), knownCategories: nil, holidayFiles: { _ in nil })
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("holidays.yaml is missing beside escalation.yaml") == true)
        let team = try #require(settings.routing.team("hq-service"))
        #expect(team.holidays == .unpublished(name: "holidays.yaml"))
        #expect(settings.holidayGaps(at: Date(timeIntervalSince1970: 1_780_000_000)).map(\.team) == ["hq-service"])
    }

    @Test("A make-up workday on a weekday is a warning with its line")
    func weekdayWorkday() throws {
        let (calendar, warnings) = try EscalationFile.holidayCalendar(
            "years:\n  2026:\n    - name: 劳动节\n      daysOff: 2026-05-01..2026-05-05\n      workdays: 2026-05-08\n",
            fileName: "holidays.yaml")
        #expect(calendar.specialDay(Self.day("2026-05-08")) == .makeUpWorkday("劳动节"))
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("holidays.yaml line 5: 2026-05-08") == true)
    }

    @Test(
        "Mistakes in a holiday calendar stop the start with its file and line",
        arguments: [
            ("years:\n  2026:\n    - name: 春节\n      daysOff: 2026-02-30\n", 4, "\"2026-02-30\" is not a date"),
            ("years:\n  2026:\n    - name: 春节\n      daysOff: 2026-02-23..2026-02-15\n", 4, "ends before it starts"),
            ("years:\n  2026:\n    - name: 春节\n      dayOff: 2026-02-15\n", 4, "unknown key \"dayOff\""),
            ("years:\n  2026:\n    - name: 春节\n", 3, "has no daysOff"),
            ("years:\n  2026:\n    - daysOff: 2026-02-15\n", 3, "has no name"),
            ("years:\n  twenty:\n    - name: 春节\n      daysOff: 2026-02-15\n", 2, "is not a year"),
            ("years:\n  2026:\n    - name: 春节\n      daysOff: 2062-02-15\n", 4, "not in 2026 or a year next to it"),
            ("years:\n  2026:\n    - name: 春节\n      daysOff: 2026-01-15..2026-03-15\n", 4, "60 days long"),
            (
                "years:\n  2026:\n    - name: 中秋节\n      daysOff: 2026-09-25..2026-10-01\n    - name: 国庆节\n"
                    + "      daysOff: 2026-10-01..2026-10-07\n", 6, "2026-10-01 is given twice (first on line 4)"
            ),
            (
                "years:\n  2026:\n    - name: 国庆节\n      daysOff: 2026-10-01..2026-10-07\n      workdays: 2026-10-07\n", 5,
                "2026-10-07 is given twice"
            ),
            ("holidays:\n  2026: []\n", 1, "unknown key \"holidays\""),
            ("years:\n  2026:\n    - name: 春节\n     daysOff: 2026-02-15\n", 4, "not valid YAML"),
            ("years: {2026: [], 2026: []}\n", 1, "given twice"),
        ])
    func holidayMistakes(text: String, line: Int, fragment: String) {
        let message = holidayError(text)
        #expect(message?.hasPrefix("holidays.yaml line \(line): ") == true, "\(message ?? "no error")")
        #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
    }

    @Test("A broken holidays.yaml stops the start; a calendar file a team names must exist; resolution is checked")
    func holidayFileErrors() {
        #expect(throws: ConfigurationError.self) {
            try EscalationFile.parse(
                Self.file(), knownCategories: nil, holidayFiles: { _ in "years:\n  2026:\n    - name: x\n" })
        }
        var message: String?
        do {
            _ = try parse(
                Self.file("  - id: hk\n    name: 香港支持\n    lead: hq_cai\n    holidays: holidays-hk.yaml\n"))
        } catch {
            message = error.description
        }
        #expect(message?.hasPrefix("escalation.yaml line 9: the holiday calendar \"holidays-hk.yaml\" does not exist") == true)
        #expect(
            error(Self.file("resolution:\n  critical: 5m\n"))?.contains("unknown priority \"critical\" in resolution") == true)
        #expect(error(Self.file("resolution:\n  low: 5 days\n"))?.hasPrefix("escalation.yaml line 7: resolution.low") == true)
    }
}

/// The simulator's directory, without a server: 张三 in 上海南京路店 (华东区), 李四 in 杭州西湖店 (华东区),
/// 王五 in 广州天河店 (华南区); anyone else is unknown.
private struct FixedDirectory: DirectoryLookup {
    func user(id userID: String) async throws(WeComAPIError) -> WeComUser {
        switch userID {
        case "zhangsan": WeComUser(userID: "zhangsan", name: "张三", departments: [21], mainDepartment: 21)
        case "lisi": WeComUser(userID: "lisi", name: "李四", departments: [22], mainDepartment: 22)
        case "wangwu": WeComUser(userID: "wangwu", name: "王五", departments: [31], mainDepartment: 31)
        default:
            throw WeComAPIError(kind: .recipientRejected, errcode: 60111, message: "invalid userid", path: "/cgi-bin/user/get")
        }
    }

    func departments(rootID: Int?) async throws(WeComAPIError) -> [WeComDepartment] {
        [
            WeComDepartment(id: 1, name: "总公司", parentID: 0), WeComDepartment(id: 2, name: "华东区", parentID: 1),
            WeComDepartment(id: 3, name: "华南区", parentID: 1), WeComDepartment(id: 21, name: "上海南京路店", parentID: 2),
            WeComDepartment(id: 22, name: "杭州西湖店", parentID: 2), WeComDepartment(id: 31, name: "广州天河店", parentID: 3),
        ]
    }
}
