import Categories
import Foundation
import GRDB
import Testing

@testable import Escalation

/// Tickets' rules on an in-memory database: opening and routing, claiming (one winner), relaying both
/// ways, resolving, rating, withdrawing, and who may see what.
@Suite("The ticket desk")
struct TicketDeskTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// Wednesday 2026-12-02 10:00 in Shanghai: inside working hours.
    static let wednesdayMorning = Date(timeIntervalSince1970: 1_796_176_800)
    static let south = Team(
        id: "south-ops", name: "华南区营运支持", members: ["hq_amy", "hq_bob"], lead: "hq_cai",
        hours: .officeHours(in: shanghai))
    static let hq = Team(id: "hq-service", name: "总部客服中心", members: ["hq_cai"], lead: "hq_cai", hours: .officeHours(in: shanghai))
    static let routing = RoutingTable(
        teams: [south, hq], rules: [RoutingRule(region: "华南区", team: "south-ops")], defaultTeam: "hq-service")
    static let wangwu = TicketDesk.Person(userID: "wangwu", name: "王五", store: "广州天河店", region: "华南区")
    static let colleague = TicketDesk.Person(userID: "xiaoli", name: "小李", store: "广州天河店", region: "华南区")
    static let stranger = TicketDesk.Person(userID: "zhangsan", name: "张三", store: "上海南京路店", region: "华东区")
    static let amy = TicketDesk.Person(userID: "hq_amy", name: "Amy")
    static let bob = TicketDesk.Person(userID: "hq_bob", name: "Bob")
    static let categories = [Category(id: "operations", name: "营运问题")]

    let desk = TicketDesk(routing: routing)
    let database: DatabaseQueue

    init() throws {
        database = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        EscalationSchema.registerMigrations(in: &migrator)
        try migrator.migrate(database)
    }

    private var request: TicketRequest {
        TicketRequest(
            question: "我们广州这边周末促销怎么安排？", reasons: [.regional], category: "operations", priority: .normal,
            transcript: [TranscriptLine(direction: .fromAssociate, text: "我们广州这边周末促销怎么安排？", at: Self.wednesdayMorning)])
    }

    private func open(at now: Date = wednesdayMorning) throws -> (Ticket, [TicketNotice]) {
        try database.write { db in
            let opening = try desk.open(request, for: Self.wangwu, categories: Self.categories, now: now, in: db)
            return (opening.ticket, opening.notices)
        }
    }

    private func agent(
        _ command: AgentCommand, by agent: TicketDesk.Person, tap: CardTap? = nil, after seconds: TimeInterval = 60
    )
        throws -> [TicketNotice]
    {
        try database.write { db in
            try desk.agent(command, by: agent, tap: tap, now: Self.wednesdayMorning.addingTimeInterval(seconds), in: db)
        }
    }

    private func associate(
        _ action: AssociateTicketAction, by person: TicketDesk.Person = wangwu, after seconds: TimeInterval = 120
    )
        throws -> [TicketNotice]
    {
        try database.write { db in
            try desk.associate(
                action, on: TicketNumber(1001), by: person, now: Self.wednesdayMorning.addingTimeInterval(seconds), in: db)
        }
    }

    private func ticket() throws -> Ticket {
        try #require(try database.read { db in try desk.store.ticket(TicketNumber(1001), in: db) })
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

    @Test("A regional question of a 华南区 store becomes #1001 for the 华南区 team, offered to one member in hours")
    func opening() throws {
        let (ticket, notices) = try open()
        #expect(ticket.number == TicketNumber(1001))
        #expect(ticket.team == "south-ops")
        #expect(ticket.status == .open)
        #expect(ticket.offeredTo == ["hq_amy"])
        #expect(ticket.responseDueAt == Self.wednesdayMorning.addingTimeInterval(2 * 3600))
        #expect(texts(notices, to: "wangwu") == ["这个问题涉及所在区域或门店的具体安排。已转交华南区营运支持，工单 #1001，预计 2 个工作小时内回复。"])
        guard case .agents(let to, .offer(let offer)) = notices.last else {
            Issue.record("no offer")
            return
        }
        #expect(to == ["hq_amy"])
        #expect(offer.rows.map(\.key) == ["门店", "区域", "分类", "优先级", "问题"])
        #expect(offer.caseText.contains("广州天河店"))
        let state = try database.read { db in try desk.conversations.state(of: "wangwu", in: db) }
        #expect(state.ticket == TicketNumber(1001))
        let transcript = try database.read { db in try desk.store.transcript(of: TicketNumber(1001), in: db) }
        #expect(transcript.map(\.direction) == [.fromAssociate, .toAssociate])
    }

    @Test("Outside working hours a normal ticket waits for the team to open, and the associate hears when that is")
    func outsideHours() throws {
        // Wednesday 02:40 in Shanghai.
        let (ticket, notices) = try open(at: Self.wednesdayMorning.addingTimeInterval(-(7 * 3600 + 20 * 60)))
        #expect(ticket.offeredTo.isEmpty)
        #expect(!notices.contains { if case .agents = $0 { true } else { false } })
        // Offered when the team opens at 09:00.
        #expect(ticket.nextCheckAt == Self.wednesdayMorning.addingTimeInterval(-3600))
        #expect(texts(notices, to: "wangwu").first?.contains("华南区营运支持将于今天 09:00 开始处理") == true)
    }

    @Test("On a public holiday the team is closed: offered when it opens, the promise names the first working day")
    func holiday() throws {
        var team = Self.south
        team.holidays = China2026.holidays
        let desk = TicketDesk(
            routing: RoutingTable(
                teams: [team, Self.hq], rules: [RoutingRule(region: "华南区", team: "south-ops")], defaultTeam: "hq-service"))
        // Friday 2026-10-02 10:00 in Shanghai, 国庆节.
        let opening = try database.write { db in
            try desk.open(
                request, for: Self.wangwu, categories: Self.categories, now: Date(timeIntervalSince1970: 1_790_906_400), in: db)
        }
        #expect(opening.ticket.offeredTo.isEmpty)
        #expect(opening.ticket.nextCheckAt == Date(timeIntervalSince1970: 1_791_421_200))
        #expect(texts(opening.notices, to: "wangwu").first?.contains("将于10月8日周四 09:00 开始处理") == true)
        // Two working hours from 10-08 09:00.
        #expect(opening.ticket.responseDueAt == Date(timeIntervalSince1970: 1_791_428_400))
    }

    @Test("Numbers count from 1001 and are never given twice")
    func numbers() throws {
        _ = try open()
        try database.write { db in try db.execute(sql: "DELETE FROM ticket") }
        var other = request
        other.question = "再问一个"
        let second = try database.write { db in
            try desk.open(other, for: Self.stranger, categories: [], now: Self.wednesdayMorning, in: db).ticket
        }
        #expect(second.number == TicketNumber(1002))
        #expect(second.team == "hq-service")
    }

    @Test("Two agents claim at once: exactly one wins, the other hears who, and the cards say it")
    func claimRace() throws {
        // Offered to Amy; anyone in the team may claim it (from the queue).
        _ = try open()
        let first = try agent(
            .claim(TicketNumber(1001)), by: Self.bob, tap: CardTap(cardID: "sd-t1001-1", user: "hq_bob", token: "rc-b"))
        let second = try agent(
            .claim(TicketNumber(1001)), by: Self.amy, tap: CardTap(cardID: "sd-t1001-1", user: "hq_amy", token: "rc-a"))
        #expect(try ticket().assignee == "hq_bob")
        #expect(
            first.contains(
                .offersTaken(
                    cards: ["sd-t1001-1"], label: "已被Bob认领", tap: CardTap(cardID: "sd-t1001-1", user: "hq_bob", token: "rc-b"))))
        #expect(texts(first, to: "wangwu") == ["Bob 已接单（工单 #1001），请留意回复。"])
        #expect(texts(second, to: "hq_amy") == ["工单 #1001 已被Bob认领。"])
        #expect(second.contains(.staleTap(CardTap(cardID: "sd-t1001-1", user: "hq_amy", token: "rc-a"), label: "已被Bob认领")))
        // Claiming again is harmless.
        #expect(texts(try agent(.claim(TicketNumber(1001)), by: Self.bob), to: "hq_bob") == ["工单 #1001 已在您名下。"])
    }

    @Test("Replies travel both ways; only the agent who has it replies; a first reply on an unclaimed ticket claims it")
    func replies() throws {
        _ = try open()
        let reply = try agent(.reply(TicketNumber(1001), "海报明天到店"), by: Self.amy)
        #expect(texts(reply, to: "wangwu").contains("【#1001 华南区营运支持 Amy】海报明天到店"))
        #expect(try ticket().assignee == "hq_amy")
        #expect(try ticket().firstReplyAt != nil)
        let refused = try agent(.reply(TicketNumber(1001), "我来"), by: Self.bob)
        #expect(texts(refused, to: "hq_bob").first?.hasPrefix("工单 #1001 不在您名下") == true)
        #expect(!refused.contains { if case .associate = $0 { true } else { false } })

        let added = try associate(.add("海报几张？"))
        #expect(texts(added, to: "hq_amy") == ["【#1001 王五·广州天河店】海报几张？"])
        #expect(texts(added, to: "wangwu").isEmpty)
        let note = try agent(.note(TicketNumber(1001), "内部"), by: Self.amy)
        #expect(!note.contains { if case .associate = $0 { true } else { false } })
        #expect(texts(try agent(.reply(TicketNumber(9999), "x"), by: Self.amy), to: "hq_amy") == ["没有工单 #9999。"])
    }

    @Test("While nobody has claimed it, the associate hears 已补充 at most once an hour")
    func addedNotice() throws {
        _ = try open()
        #expect(texts(try associate(.add("补充一"), after: 60), to: "wangwu").count == 1)
        #expect(texts(try associate(.add("补充二"), after: 120), to: "wangwu").isEmpty)
        #expect(texts(try associate(.add("补充三"), after: 3700), to: "wangwu").count == 1)
    }

    @Test("Resolution sends the summary and the rating card; the rating is kept; 不满意 tells the lead; 没解决 reopens")
    func resolution() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        let resolved = try agent(.resolve(TicketNumber(1001), summary: "已告知安排"), by: Self.amy, after: 600)
        #expect(texts(resolved, to: "wangwu") == ["工单 #1001 已解决：已告知安排"])
        #expect(
            resolved.contains { if case .associate("wangwu", .choices(let list)) = $0 { list.items.count == 3 } else { false } })
        let state = try database.read { db in try desk.conversations.state(of: "wangwu", in: db) }
        #expect(state.ticket == nil)
        #expect(state.mode == .rating(TicketNumber(1001), resolvedAt: Self.wednesdayMorning.addingTimeInterval(600)))

        let unsatisfied = try associate(.rate(.unsatisfied), after: 700)
        #expect(texts(unsatisfied, to: "hq_cai") == ["工单 #1001 门店评价：不满意（处理人 Amy）。"])
        #expect(try ticket().rating == .unsatisfied)
        #expect(texts(try associate(.rate(.satisfied), after: 800), to: "wangwu") == ["工单 #1001 已经评价过了，谢谢！"])
    }

    @Test("没解决 reopens to the same agent and gives them the conversation again")
    func reopen() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        _ = try agent(.resolve(TicketNumber(1001), summary: "好了"), by: Self.amy, after: 600)
        let reopened = try associate(.rate(.unresolved), after: 700)
        #expect(try ticket().status == .assigned)
        #expect(texts(reopened, to: "hq_amy") == ["门店反馈工单 #1001 没解决，已重新打开，请继续跟进。"])
        let state = try database.read { db in try desk.conversations.state(of: "wangwu", in: db) }
        #expect(state.ticket == TicketNumber(1001))
    }

    @Test("进度 is for the requester and colleagues of the same store; others learn nothing")
    func progress() throws {
        _ = try open()
        #expect(texts(try associate(.progress, by: Self.colleague), to: "xiaoli").first?.contains("待认领") == true)
        #expect(texts(try associate(.progress, by: Self.stranger), to: "zhangsan") == ["没有找到工单 #1001。回复“本店工单”查看本店的工单。"])
        #expect(texts(try associate(.add("我不是提问人"), by: Self.colleague), to: "hq_amy").isEmpty)
        let store = try database.read { db in try desk.storeTickets(for: Self.colleague, in: db) }
        #expect(texts(store, to: "xiaoli").first?.contains("#1001") == true)
    }

    @Test("不用了 withdraws the ticket: closed, the agents told, the cards greyed out")
    func withdraw() throws {
        _ = try open()
        let notices = try associate(.withdraw)
        #expect(try ticket().status == .closed)
        #expect(texts(notices, to: "hq_amy") == ["门店已撤回工单 #1001。"])
        #expect(notices.contains(.offersTaken(cards: ["sd-t1001-1"], label: "门店已撤回", tap: nil)))
        #expect(texts(try agent(.reply(TicketNumber(1001), "x"), by: Self.amy), to: "hq_amy") == ["工单 #1001 已关闭，不能再操作。"])
    }

    @Test("转 to a team offers it there afresh; to an agent assigns it; to no one says so")
    func reassign() throws {
        _ = try open()
        let toTeam = try agent(.reassign(TicketNumber(1001), to: "总部客服中心"), by: Self.amy)
        #expect(try ticket().team == "hq-service")
        #expect(toTeam.contains { if case .agents(["hq_cai"], .offer) = $0 { true } else { false } })
        #expect(toTeam.contains(.offersTaken(cards: ["sd-t1001-1"], label: "已转派", tap: nil)))
        _ = try agent(.reassign(TicketNumber(1001), to: "hq_bob"), by: TicketDesk.Person(userID: "hq_cai", name: "蔡"))
        #expect(try ticket().assignee == "hq_bob")
        let unknown = try agent(.reassign(TicketNumber(1001), to: "nobody"), by: Self.bob)
        #expect(texts(unknown, to: "hq_bob").first?.contains("找不到") == true)
    }

    @Test(
        "A second hand-over while a ticket is active goes onto that ticket, with its intake answers, and the associate hears so")
    func oneActiveTicket() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        var second = request
        second.question = "顾客订单退款没到账"
        second.intake = [IntakeAnswer(key: "order", question: "订单号或小票号（没有可回复“跳过”）", answer: "SO123", recognized: false)]
        let opening = try database.write { db in
            try desk.open(second, for: Self.wangwu, categories: [], now: Self.wednesdayMorning.addingTimeInterval(120), in: db)
        }
        let notices = opening.notices
        #expect(opening.ticket.number == TicketNumber(1001) && !opening.isNew)
        #expect(texts(notices, to: "hq_amy") == ["【#1001 王五·广州天河店】顾客订单退款没到账\n订单号或小票号：SO123"])
        #expect(texts(notices, to: "wangwu") == ["您还有进行中的工单 #1001（华南区营运支持 Amy 负责），这个问题已补充到该工单，不另开工单。"])
    }

    @Test("Only the holder or the lead passes a claimed ticket on; the one who had it and the store hear it")
    func reassignRules() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        // Bob is in the team, but Amy has it.
        let grab = try agent(.reassign(TicketNumber(1001), to: "hq_bob"), by: Self.bob)
        #expect(texts(grab, to: "hq_bob").first?.hasPrefix("工单 #1001 不在您名下") == true)
        #expect(try ticket().assignee == "hq_amy")
        // The lead may, by the name the agent was shown under ("Bob" from an earlier claim) or id.
        let lead = TicketDesk.Person(userID: "hq_cai", name: "蔡")
        let moved = try agent(.reassign(TicketNumber(1001), to: "HQ_BOB"), by: lead)
        #expect(try ticket().assignee == "hq_bob")
        #expect(texts(moved, to: "hq_amy") == ["工单 #1001 已由蔡转派给别人，您不用再跟进。"])
        #expect(texts(moved, to: "wangwu").first?.contains("已转交") == true)
        #expect(texts(moved, to: "hq_cai") == ["工单 #1001 已转给hq_bob。"])
        let same = try agent(.reassign(TicketNumber(1001), to: "hq_bob"), by: Self.bob)
        #expect(texts(same, to: "hq_bob").first?.contains("已经在") == true)
    }

    @Test("详情 is for the ticket's team; 认领 on a resolved ticket says it is resolved; a bare verb never reaches the store")
    func agentChecks() throws {
        _ = try open()
        let outsider = TicketDesk.Person(userID: "hq_dan", name: "Dan")
        #expect(texts(try agent(.details(TicketNumber(1001)), by: outsider), to: "hq_dan").first?.contains("不在您名下") == true)
        #expect(texts(try agent(.details(TicketNumber(1001)), by: Self.amy), to: "hq_amy").first?.contains("广州天河店") == true)
        let bare = try agent(.incomplete(TicketNumber(1001), verb: "解决"), by: Self.amy)
        #expect(texts(bare, to: "hq_amy") == ["“#1001 解决”后面还要写内容：“#1001 解决 处理结果”。这条没有发给门店。"])
        #expect(texts(bare, to: "wangwu").isEmpty)
        _ = try agent(.resolve(TicketNumber(1001), summary: "好了"), by: Self.amy)
        #expect(texts(try agent(.claim(TicketNumber(1001)), by: Self.amy), to: "hq_amy") == ["工单 #1001 已解决，不能再操作。"])
    }

    @Test("The queue lists the open tickets of the agent's teams, filtered in the query")
    func queue() throws {
        _ = try open()
        var other = request
        other.question = "上海的问题"
        _ = try database.write { db in
            try desk.open(other, for: Self.stranger, categories: [], now: Self.wednesdayMorning, in: db)
        }
        let amyQueue = texts(try agent(.queue, by: Self.amy), to: "hq_amy").joined()
        #expect(amyQueue.contains("#1001") && !amyQueue.contains("#1002"))
        let caiQueue = texts(try agent(.queue, by: TicketDesk.Person(userID: "hq_cai")), to: "hq_cai").joined()
        #expect(caiQueue.contains("#1001") && caiQueue.contains("#1002"))
    }

    @Test("没解决 clears the rating so the ticket can be rated again; an old card cannot reopen it over a newer ticket")
    func reopenAndRateAgain() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        _ = try agent(.resolve(TicketNumber(1001), summary: "好了"), by: Self.amy, after: 600)
        _ = try associate(.rate(.unresolved), after: 700)
        #expect(try ticket().rating == nil)
        _ = try agent(.resolve(TicketNumber(1001), summary: "这次真好了"), by: Self.amy, after: 900)
        _ = try associate(.rate(.satisfied), after: 1000)
        #expect(try ticket().rating == .satisfied)

        // A second ticket is active: 没解决 on #1001's old card does not reopen #1001.
        var other = request
        other.question = "另一个问题"
        _ = try database.write { db in
            try desk.open(other, for: Self.wangwu, categories: [], now: Self.wednesdayMorning.addingTimeInterval(1100), in: db)
        }
        try database.write { db in try db.execute(sql: "UPDATE ticket SET rating = NULL WHERE number = 1001") }
        let refused = try associate(.rate(.unresolved), after: 1200)
        #expect(try ticket().status == .resolved)
        #expect(texts(refused, to: "wangwu").first?.contains("#1002 还在处理中") == true)
    }

    @Test("Resolution waits for a rating only in a conversation that was the ticket's")
    func resolutionLeavesOtherFlows() throws {
        _ = try open()
        _ = try agent(.claim(TicketNumber(1001)), by: Self.amy)
        // The associate went back to the bot (新问题) and is choosing from a list.
        let choosing = ConversationState(
            mode: .choosing(OpenChoice(options: .categories(["order"]), question: "q", id: "c", offeredAt: Self.wednesdayMorning))
        )
        try database.write { db in try desk.conversations.save(choosing, of: "wangwu", at: Self.wednesdayMorning, in: db) }
        _ = try agent(.resolve(TicketNumber(1001), summary: "好了"), by: Self.amy, after: 600)
        let state = try database.read { db in try desk.conversations.state(of: "wangwu", in: db) }
        #expect(state == choosing)
    }
}
