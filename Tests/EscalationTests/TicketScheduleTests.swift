import Categories
import Foundation
import GRDB
import Testing

@testable import Escalation

/// The promise kept, with an injected clock on an in-memory database: due times on China's calendar,
/// warnings and breaches up the ladder, tickets nobody acts on going back to the team, who is on duty,
/// waiting on the store, reopening within 72 hours and follow-ups after close — and a restart between
/// any two steps changing nothing.
@Suite("Ticket SLAs and the scheduler")
final class TicketScheduleTests {
    typealias C = China2026
    static let south = Team(
        id: "south-ops", name: "华南区营运支持", members: ["hq_amy", "hq_bob"], lead: "hq_cai",
        hours: .officeHours(in: C.shanghai), holidays: C.holidays, onCall: ["hq_bob"])
    static let routing = RoutingTable(teams: [south], defaultTeam: "south-ops")
    static let wangwu = TicketDesk.Person(userID: "wangwu", name: "王五", store: "广州天河店", region: "华南区")
    static let amy = TicketDesk.Person(userID: "hq_amy", name: "Amy")
    static let bob = TicketDesk.Person(userID: "hq_bob", name: "Bob")
    /// Wednesday 2026-12-02 10:00 in Shanghai.
    static let wednesday = C.at(12, 2, 10)

    var desk: TicketDesk
    let database: DatabaseQueue

    init() throws {
        database = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        EscalationSchema.registerMigrations(in: &migrator)
        try migrator.migrate(database)
        desk = TicketDesk(routing: Self.routing, managers: ["华南区": "mgr_south"])
    }

    private func request(_ priority: TicketPriority = .normal) -> TicketRequest {
        TicketRequest(question: "广州这边周末促销怎么安排？", reasons: [.regional], category: "operations", priority: priority)
    }

    @discardableResult
    private func open(at now: Date, priority: TicketPriority = .normal, by person: TicketDesk.Person = wangwu) throws
        -> TicketOpening
    {
        try database.write { db in try desk.open(request(priority), for: person, categories: [], now: now, in: db) }
    }

    @discardableResult
    private func agent(_ command: AgentCommand, by agent: TicketDesk.Person, at now: Date) throws -> [TicketNotice] {
        try database.write { db in try desk.agent(command, by: agent, now: now, in: db) }
    }

    @discardableResult
    private func associate(_ action: AssociateTicketAction, on number: Int = 1001, at now: Date) throws -> [TicketNotice] {
        try database.write { db in try desk.associate(action, on: TicketNumber(number), by: Self.wangwu, now: now, in: db) }
    }

    /// What the scheduler does at `now`: every ticket due, as the server's sweep does it.
    private func sweep(at now: Date, with desk: TicketDesk? = nil) throws -> [TicketTick] {
        let desk = desk ?? self.desk
        return try database.write { db in
            try desk.dueTickets(at: now, in: db).map { try desk.tick($0, now: now, in: db) }
        }
    }

    private func ticket(_ number: Int = 1001) throws -> Ticket {
        try #require(try database.read { db in try desk.store.ticket(TicketNumber(number), in: db) })
    }

    private func texts(_ notices: [TicketNotice], to user: String) -> [String] {
        notices.flatMap { notice -> [String] in
            switch notice {
            case .associate(user, .text(let text)): [text]
            case .agents(let agents, .text(let text)) where agents.contains(user): [text]
            default: []
            }
        }
    }

    private func offered(_ notices: [TicketNotice]) -> [String]? {
        notices.lazy.compactMap { notice -> [String]? in
            if case .agents(let to, .offer) = notice { to } else { nil }
        }.first
    }

    // MARK: - Due times

    @Test("A ticket opened Friday 17:30 before the 调休 Saturday is due when the calendar says, and stays so across a restart")
    func fridayBeforeMakeUpDay() throws {
        let friday = C.at(2, 13, 17, 30)
        let ticket = try open(at: friday).ticket
        // 2 working hours: 30 minutes on Friday, 90 on the make-up Saturday.
        #expect(ticket.responseDueAt == C.at(2, 14, 10, 30))
        // 2 working days (16 h): 0.5 Friday, 9 on Saturday, 春节 off until the 23rd, 6.5 on Tuesday the 24th.
        #expect(ticket.resolutionDueAt == C.at(2, 24, 15, 30))
        #expect(ticket.firstResponseWarnAt == C.at(2, 14, 10, 6))
        // A restart: a new desk over the same database works the same due times out of the history.
        let restarted = TicketDesk(routing: Self.routing, managers: ["华南区": "mgr_south"])
        let changed = try database.write { db in try restarted.recomputeSchedules(in: db) }
        #expect(changed == 0)
        #expect(try self.ticket() == ticket)
    }

    @Test("A changed calendar or target moves the stored due times when they are worked out again")
    func recomputedOnChange() throws {
        try open(at: Self.wednesday)
        var faster = TicketDesk(routing: Self.routing)
        faster.routing.firstResponse[.normal] = .hours(1)
        let changed = try database.write { db in try faster.recomputeSchedules(in: db) }
        #expect(changed == 1)
        #expect(try ticket().responseDueAt == Self.wednesday.addingTimeInterval(3600))
    }

    // MARK: - Warnings, breaches, the ladder

    @Test("With no manager in the file for the region, the lead's own direct leader in the directory hears")
    func managerFromTheDirectory() throws {
        struct Directory: LeaderDirectory {
            func directLeaders(of userID: String, in db: Database) throws -> [String] {
                userID == "hq_cai" ? ["hq_cai", "vp_service"] : []
            }
        }
        desk.timers.unresponsiveAfter = .hours(8)
        desk.managers = [:]
        try open(at: Self.wednesday)
        _ = try sweep(at: C.at(12, 2, 12, 0))
        // Without a directory, no manager is told (and nothing fails).
        #expect(try sweep(at: C.at(12, 2, 13, 0)).flatMap(\.notices).isEmpty)

        try open(at: Self.wednesday, by: TicketDesk.Person(userID: "wangwu2", region: "华南区"))
        desk.leaders = Directory()
        _ = try sweep(at: C.at(12, 2, 12, 0))
        let manager = try sweep(at: C.at(12, 2, 13, 0))
        #expect(manager.flatMap(\.fired) == [.manager(.firstResponse)])
        #expect(texts(manager.flatMap(\.notices), to: "vp_service").first?.contains("超出首次响应时限已久") == true)
        // The file wins where it names someone.
        desk.managers = ["*": "mgr_all"]
        try open(at: Self.wednesday, by: TicketDesk.Person(userID: "wangwu3", region: "华南区"))
        _ = try sweep(at: C.at(12, 2, 12, 0))
        #expect(texts(try sweep(at: C.at(12, 2, 13, 0)).flatMap(\.notices), to: "mgr_all").count == 1)
    }

    @Test("At 80% the offeree is warned; at the breach the offeree and the lead; later the region's manager; each once")
    func warningAndBreach() throws {
        desk.timers.unresponsiveAfter = .hours(8)
        try open(at: Self.wednesday)
        #expect(try sweep(at: Self.wednesday.addingTimeInterval(95 * 60)).flatMap(\.fired).isEmpty)

        let warning = try sweep(at: C.at(12, 2, 11, 36))
        #expect(warning.flatMap(\.fired) == [.warn(.firstResponse)])
        #expect(texts(warning.flatMap(\.notices), to: "hq_amy").first?.contains("工单 #1001 的首次响应时限快到了") == true)
        #expect(texts(warning.flatMap(\.notices), to: "hq_cai").isEmpty)

        let breach = try sweep(at: C.at(12, 2, 12, 0))
        #expect(breach.flatMap(\.fired) == [.breach(.firstResponse)])
        let breachNotices = breach.flatMap(\.notices)
        #expect(texts(breachNotices, to: "hq_amy").first?.contains("已超出首次响应时限") == true)
        #expect(texts(breachNotices, to: "hq_cai").first?.contains("已超出首次响应时限") == true)
        #expect(try ticket().firstResponseBreachedAt == C.at(12, 2, 12, 0))

        // The same moment again (a restart, a second sweep): nothing more.
        #expect(try sweep(at: C.at(12, 2, 12, 0)).flatMap(\.fired).isEmpty)

        let manager = try sweep(at: C.at(12, 2, 13, 0))
        #expect(manager.flatMap(\.fired) == [.manager(.firstResponse)])
        #expect(texts(manager.flatMap(\.notices), to: "mgr_south").first?.contains("超出首次响应时限已久") == true)

        // The first reply settles it: late, with the minutes it took.
        try agent(.reply(TicketNumber(1001), "马上处理"), by: Self.amy, at: C.at(12, 2, 13, 10))
        let answered = try ticket()
        #expect(answered.firstResponseMinutes == 190)
        #expect(answered.firstResponseBreachedAt != nil)
        #expect(answered.nextCheckAt == answered.resolutionWarnAt)
    }

    @Test("After a long stop the breach is told, not a warning that is no longer true")
    func breachAfterStop() throws {
        desk.timers.unresponsiveAfter = .hours(8)
        try open(at: Self.wednesday)
        let late = try sweep(at: C.at(12, 2, 12, 30))
        #expect(late.flatMap(\.fired) == [.breach(.firstResponse)])
        #expect(try ticket().alarmsDone.contains(TicketAlarm.warn(.firstResponse).key))
    }

    // MARK: - Nobody acts: back to the team

    @Test("An offer nobody claims and a claim nobody follows up go back to the team; the associate hears it")
    func unresponsive() throws {
        #expect(offered(try open(at: Self.wednesday).notices) == ["hq_amy"])
        let unclaimed = try sweep(at: C.at(12, 2, 10, 30))
        #expect(unclaimed.flatMap(\.fired) == [.returnToTeam(since: Self.wednesday)])
        #expect(offered(unclaimed.flatMap(\.notices)) == ["hq_bob", "hq_cai"])
        #expect(texts(unclaimed.flatMap(\.notices), to: "hq_amy").first?.contains("没有认领，已退回华南区营运支持的队列") == true)

        try agent(.claim(TicketNumber(1001)), by: Self.bob, at: C.at(12, 2, 10, 40))
        let silent = try sweep(at: C.at(12, 2, 11, 10))
        #expect(silent.flatMap(\.fired) == [.returnToTeam(since: C.at(12, 2, 10, 40))])
        let after = try ticket()
        #expect(after.status == .open && after.assignee == nil)
        #expect(texts(silent.flatMap(\.notices), to: "wangwu") == ["工单 #1001 已转交华南区营运支持继续处理，请留意回复。"])
        #expect(texts(silent.flatMap(\.notices), to: "hq_bob").first?.contains("没有回复门店") == true)
    }

    // MARK: - Who is on duty

    @Test("下班 takes an agent out of new offers until their next working period; 上班 brings them back")
    func offAndOnDuty() throws {
        let ack = try agent(.offDuty, by: Self.amy, at: Self.wednesday)
        #expect(texts(ack, to: "hq_amy").first?.hasPrefix("已下班：明天 09:00前不再给您派新工单") == true)
        #expect(offered(try open(at: Self.wednesday.addingTimeInterval(60)).notices) == ["hq_bob"])
        try agent(.onDuty, by: Self.amy, at: Self.wednesday.addingTimeInterval(120))
        let other = TicketDesk.Person(userID: "xiaoli", name: "小李", store: "广州天河店", region: "华南区")
        #expect(offered(try open(at: Self.wednesday.addingTimeInterval(180), by: other).notices) == ["hq_amy"])
    }

    @Test(
        "下班 by a member of two teams lasts past what either works on from now, until the first of them opens",
        arguments: [
            // An evening shift right after the office's day is the same working day: back tomorrow.
            (18, "已下班：明天 09:00前不再给您派新工单"),
            // One that starts after a break is the next working period.
            (19, "已下班：今天 19:00前不再给您派新工单"),
        ])
    func offDutyInTwoTeams(eveningStart: Int, expected: String) throws {
        let evening = Team(
            id: "evening", name: "晚班支持", members: ["hq_amy"], lead: "hq_cai",
            hours: WorkingHours(
                timeZone: C.shanghai, days: Weekday.allCases, periods: [DailyPeriod(start: eveningStart * 60, end: 22 * 60)!]))
        desk.routing = RoutingTable(teams: [Self.south, evening], defaultTeam: "south-ops")
        let ack = try agent(.offDuty, by: Self.amy, at: Self.wednesday)
        #expect(texts(ack, to: "hq_amy").first?.hasPrefix(expected) == true, "\(texts(ack, to: "hq_amy"))")
    }

    @Test("A working stretch ends where its touching periods end; none when the team is not working")
    func stretchEnd() {
        let calendar = WorkingCalendar(hours: .officeHours(in: C.shanghai), holidays: C.holidays)
        #expect(calendar.stretchEnd(at: Self.wednesday) == C.at(12, 2, 18))
        #expect(calendar.stretchEnd(at: C.at(12, 2, 20)) == nil)
        let always = WorkingCalendar(hours: .always)
        #expect(always.stretchEnd(at: Self.wednesday) == nil)
    }

    @Test("A member at the team's cap gets no new offers")
    func cap() throws {
        desk.routing.teams[0].cap = 1
        try open(at: Self.wednesday)
        try agent(.claim(TicketNumber(1001)), by: Self.amy, at: Self.wednesday.addingTimeInterval(60))
        let other = TicketDesk.Person(userID: "xiaoli", name: "小李", store: "广州天河店", region: "华南区")
        #expect(offered(try open(at: Self.wednesday.addingTimeInterval(120), by: other).notices) == ["hq_bob"])
    }

    @Test("Out of hours an urgent ticket goes at once to the lead and the on-call member; a normal one when the team opens")
    func outOfHours() throws {
        let night = C.at(12, 2, 22)
        #expect(offered(try open(at: night, priority: .urgent).notices) == ["hq_bob", "hq_cai"])
        let other = TicketDesk.Person(userID: "xiaoli", name: "小李", store: "广州天河店", region: "华南区")
        let normal = try open(at: night, by: other)
        #expect(offered(normal.notices) == nil)
        #expect(texts(normal.notices, to: "xiaoli").first?.contains("将于明天 09:00 开始处理") == true)
        let morning = try sweep(at: C.at(12, 3, 9))
        #expect(morning.first { $0.ticket?.number == TicketNumber(1002) }?.fired == [.offer])
        #expect(offered(morning.flatMap(\.notices)) == ["hq_amy"])
    }

    // MARK: - Waiting on the store

    @Test("等待 asks the store and pauses the SLA; the answer resumes it, an hour later than it would have been")
    func waitPausesAndResumes() throws {
        try open(at: Self.wednesday)
        try agent(.claim(TicketNumber(1001)), by: Self.amy, at: C.at(12, 2, 10, 5))
        #expect(try ticket().resolutionDueAt == C.at(12, 3, 17))
        let asked = try agent(.wait(TicketNumber(1001), question: "请拍一下小票"), by: Self.amy, at: C.at(12, 2, 10, 10))
        #expect(texts(asked, to: "wangwu") == ["【#1001 华南区营运支持 Amy】需要您补充：请拍一下小票\n直接回复即可，处理人收到后会继续处理。"])
        var waiting = try ticket()
        #expect(waiting.status == .waiting)
        #expect(waiting.firstReplyAt == C.at(12, 2, 10, 10))
        #expect(waiting.resolutionDueAt == nil)

        let answered = try associate(.add("小票在这里"), at: C.at(12, 2, 11, 10))
        #expect(texts(answered, to: "hq_amy").first?.hasSuffix("门店已回复，SLA 继续计时。") == true)
        waiting = try ticket()
        #expect(waiting.status == .assigned)
        #expect(waiting.resolutionDueAt == C.at(12, 3, 18))
    }

    @Test("An unanswered wait reminds the store in its own hours, then closes the ticket and says so")
    func waitRemindsAndCloses() throws {
        try open(at: Self.wednesday)
        try agent(.wait(TicketNumber(1001), question: "请拍一下小票"), by: Self.amy, at: C.at(12, 2, 10, 10))
        // 4 store hours later.
        let reminded = try sweep(at: C.at(12, 2, 14, 10))
        #expect(reminded.flatMap(\.fired) == [.remindStore(since: C.at(12, 2, 10, 10))])
        #expect(texts(reminded.flatMap(\.notices), to: "wangwu").first?.hasPrefix("提醒：工单 #1001 的处理人还在等您回复：请拍一下小票") == true)
        // 26 store hours (10:00-22:00 every day): Wednesday 11h50, Thursday 12h, Friday 2h10.
        #expect(try sweep(at: C.at(12, 4, 12, 9)).flatMap(\.fired).isEmpty)
        let closed = try sweep(at: C.at(12, 4, 12, 10))
        #expect(closed.flatMap(\.fired) == [.closeWaiting(since: C.at(12, 2, 10, 10))])
        #expect(try ticket().status == .closed)
        #expect(texts(closed.flatMap(\.notices), to: "wangwu").first?.hasPrefix("工单 #1001 等您回复的时间已过，已关闭") == true)
        #expect(texts(closed.flatMap(\.notices), to: "hq_amy") == ["工单 #1001 门店一直没有回复您的提问，已自动关闭。"])
        let state = try database.read { db in try desk.conversations.state(of: "wangwu", in: db) }
        #expect(state.ticket == nil)
    }

    // MARK: - Reopen and close

    @Test("没解决 within 72 hours reopens to the same agent with the SLA running; after close it opens a linked follow-up")
    func reopenThenFollowUp() throws {
        try open(at: Self.wednesday)
        try agent(.resolve(TicketNumber(1001), summary: "已安排"), by: Self.amy, at: C.at(12, 2, 11))
        let reopened = try associate(.rate(.unresolved), at: C.at(12, 3, 10))
        #expect(texts(reopened, to: "hq_amy").first == "门店反馈工单 #1001 没解决，已重新打开，请继续跟进。")
        var ticket = try ticket()
        #expect(ticket.status == .assigned && ticket.assignee == "hq_amy")
        // The day it spent resolved does not count: one working hour used, 15 left from Thursday 10:00 (8 on Thursday, 7 on Friday).
        #expect(ticket.resolutionDueAt == C.at(12, 4, 16))

        try agent(.resolve(TicketNumber(1001), summary: "已重新安排"), by: Self.amy, at: C.at(12, 3, 11))
        #expect(try sweep(at: C.at(12, 6, 10, 59)).flatMap(\.fired).isEmpty)
        #expect(try sweep(at: C.at(12, 6, 11)).flatMap(\.fired) == [.close])
        ticket = try self.ticket()
        #expect(ticket.status == .closed)

        let followUp = try associate(.rate(.unresolved), at: C.at(12, 7, 10))
        let second = try self.ticket(1002)
        #expect(second.followUpOf == TicketNumber(1001))
        #expect(second.team == "south-ops")
        #expect(texts(followUp, to: "wangwu").first?.hasPrefix("工单 #1001 已关闭，已为您开新工单跟进。") == true)
        let events = try database.read { db in try desk.store.events(of: TicketNumber(1001), in: db) }
        #expect(events.last?.kind == .followUp && events.last?.detail == "#1002")
    }

    @Test("没解决 while the agent is off duty reopens to the team")
    func reopenWhileOffDuty() throws {
        try open(at: Self.wednesday)
        try agent(.resolve(TicketNumber(1001), summary: "已安排"), by: Self.amy, at: C.at(12, 2, 11))
        try agent(.offDuty, by: Self.amy, at: C.at(12, 2, 12))
        let reopened = try associate(.rate(.unresolved), at: C.at(12, 2, 13))
        #expect(try ticket().status == .open)
        #expect(offered(reopened) == ["hq_bob"])
        #expect(texts(reopened, to: "wangwu").first == "已重新打开工单 #1001。Amy目前不在岗，已交给华南区营运支持跟进。")
    }

    @Test("Pauses come from the timeline: waits until answered, resolutions until reopened, one under way open-ended")
    func pauses() {
        let t0 = Self.wednesday
        func event(_ kind: TicketEvent.Kind, _ minutes: Double) -> TicketEvent {
            TicketEvent(ticket: TicketNumber(1001), at: t0.addingTimeInterval(minutes * 60), actor: "x", kind: kind)
        }
        let pauses = TicketEvent.slaPauses(in: [
            event(.opened, 0), event(.waiting, 10), event(.resumed, 70), event(.resolved, 100), event(.reopened, 160),
            event(.waiting, 200),
        ])
        #expect(
            pauses == [
                DateInterval(start: t0.addingTimeInterval(600), end: t0.addingTimeInterval(4200)),
                DateInterval(start: t0.addingTimeInterval(6000), end: t0.addingTimeInterval(9600)),
                DateInterval(start: t0.addingTimeInterval(12000), end: .distantFuture),
            ])
    }
}
