import Categories
import Testing

@testable import Escalation

/// Routing by category × region with its fallbacks, team look-ups, and the intake questions and their
/// recognisers.
@Suite("Routing and intake")
struct RoutingTableTests {
    static func team(_ id: TeamID, _ name: String, members: [String] = [], lead: String? = nil) -> Team {
        Team(id: id, name: name, members: members, lead: lead, hours: .always)
    }

    let table = RoutingTable(
        teams: [
            team("south-ops", "华南区营运支持", members: ["hq_amy", "hq_bob"], lead: "hq_cai"),
            team("south-orders", "华南区订单组", members: ["hq_amy"]),
            team("orders", "订单组", members: ["hq_dan"]),
            team("it", "IT 支持", lead: "hq_eve"),
            team("hq-service", "总部客服中心", members: ["hq_cai"]),
        ],
        rules: [
            RoutingRule(region: "华南区", team: "south-ops", line: 10),
            RoutingRule(categories: ["order", "logistics"], region: "华南区", team: "south-orders", line: 12),
            RoutingRule(categories: ["order"], team: "orders", line: 14),
            RoutingRule(categories: ["retired"], team: "orders", line: 16),
        ],
        defaultTeam: "hq-service")

    @Test("Category and region, then category (rule, then the category's own team), then region, then the default")
    func fallbacks() {
        // 1. Both named by one rule, although a region-only rule comes first in the file.
        #expect(table.route(category: "order", region: "华南区", categoryTeam: nil).id == "south-orders")
        #expect(table.route(category: "logistics", region: "华南区", categoryTeam: "it").id == "south-orders")
        // 2. The category alone: its rule, which beats the category's own team…
        #expect(table.route(category: "order", region: "华东区", categoryTeam: "it").id == "orders")
        #expect(table.route(category: "order", region: nil, categoryTeam: nil).id == "orders")
        // … and the category's own team when no rule names the category.
        #expect(table.route(category: "system", region: "华南区", categoryTeam: "it").id == "it")
        // 3. The region alone: unknown category teams fall through.
        #expect(table.route(category: "system", region: "华南区", categoryTeam: "it-support").id == "south-ops")
        #expect(table.route(category: nil, region: "华南区", categoryTeam: nil).id == "south-ops")
        // 4. The default team.
        #expect(table.route(category: "system", region: "华东区", categoryTeam: "it-support").id == "hq-service")
        #expect(table.route(category: nil, region: nil, categoryTeam: nil).id == "hq-service")
        #expect(table.route(category: nil, region: "", categoryTeam: "orders").id == "hq-service")
    }

    @Test("A default team missing from the table still gives a team")
    func missingDefault() {
        let broken = RoutingTable(teams: [], defaultTeam: "nobody")
        #expect(broken.route(category: nil, region: nil, categoryTeam: nil).id == "nobody")
    }

    @Test("Teams by id and by name; agents are members and leads")
    func lookups() {
        #expect(table.team("it")?.name == "IT 支持")
        #expect(table.team("missing") == nil)
        #expect(table.team(named: "华南区营运支持")?.id == "south-ops")
        #expect(table.team(named: " South-Ops ")?.id == "south-ops")
        #expect(table.team(named: "华南") == nil)
        #expect(table.isAgent("hq_bob"))
        #expect(table.isAgent("hq_eve"))  // a lead
        #expect(!table.isAgent("wangwu"))
        #expect(table.teams(of: "hq_amy").map(\.id) == ["south-ops", "south-orders"])
        #expect(table.teams(of: "hq_cai").map(\.id) == ["south-ops", "hq-service"])
    }

    @Test("Rules naming categories that do not exist are listed with their lines")
    func unknownCategories() {
        let unknown = table.unknownCategories(known: ["order", "logistics", "system", "operations"])
        #expect(unknown.map(\.category) == ["retired"])
        #expect(unknown.map(\.line) == [16])
    }

    @Test("First-response promises: the standard ones, and a priority left out keeps its standard")
    func firstResponse() {
        #expect(table.firstResponse(for: .urgent) == ResponseTarget(duration: 600, working: false))
        #expect(table.firstResponse(for: .high) == ResponseTarget(duration: 1800, working: true))
        #expect(table.firstResponse(for: .normal) == ResponseTarget(duration: 7200, working: true))
        #expect(table.firstResponse(for: .low) == ResponseTarget(duration: 8 * 3600, working: true))
        var partial = table
        partial.firstResponse = [.urgent: .minutes(5)]
        #expect(partial.firstResponse(for: .urgent).duration == 300)
        #expect(partial.firstResponse(for: .low).duration == 8 * 3600)
    }

    @Test("Without escalation.yaml everything goes to 总部客服中心, open on weekdays")
    func standard() {
        let settings = EscalationSettings.standard
        let team = settings.routing.route(category: "order", region: "华南区", categoryTeam: "order-support")
        #expect(team.id == "hq-service")
        #expect(team.name == "总部客服中心")
        #expect(team.everyone.isEmpty)
        #expect(team.hours.weekly[.mon] == [.officeHours])
        #expect(team.hours.weekly[.sat] == nil)
        #expect(settings.overrides.isEmpty)
    }

    @Test("Intake: at most two questions per category, none without one; every prompt says how to skip")
    func intakePlan() {
        let plan = IntakePlan.standard
        #expect(plan.questions(for: "order").map(\.key) == ["order_number"])
        #expect(plan.questions(for: "logistics").map(\.recognizer) == [.waybillNumber])
        #expect(plan.questions(for: "system").map(\.key) == ["system", "error"])
        #expect(plan.questions(for: "operations").isEmpty)
        #expect(plan.questions(for: nil).isEmpty)
        #expect(plan.questions(for: "unknown").isEmpty)
        for question in plan.byCategory.values.joined() {
            #expect(question.prompt.contains("跳过") && question.prompt.contains("不知道"))
        }
        let long = IntakePlan(byCategory: [
            "order": (1...3).map { IntakeQuestion(key: "q\($0)", prompt: "?") }
        ])
        #expect(long.questions(for: "order").count == 2)
    }

    @Test("Order and receipt numbers as store staff type them")
    func orderNumbers() {
        let order = IntakeRecognizer.orderNumber
        #expect(order.find(in: "订单号 2024031200123 顾客说没收到") == "2024031200123")
        #expect(order.find(in: "顾客订单SO20240312001退款一直没到账") == "SO20240312001")
        #expect(order.find(in: "dd1234567890 这个单小程序显示已核销") == "DD1234567890")
        #expect(order.find(in: "小票号是：００１２３４５６７８９ 能补开发票吗") == "00123456789")
        #expect(order.find(in: "顾客手机13812345678，订单号 202403120088 查不到") == "202403120088")
        #expect(order.find(in: "13812345678 这个顾客的积分没到账") == nil)  // a phone, not an order
        #expect(order.find(in: "请问怎么退货") == nil)
        #expect(order.find(in: "3月12号 20:30 的单子退不了，金额 1299 元") == nil)
        #expect(order.find(in: "POS 报错 E1023 打不出小票") == nil)
        #expect(order.find(in: "顺丰 SF1234567890123 还没到") == nil)  // a waybill
    }

    @Test("Waybills and transfer notes as store staff type them")
    func waybillNumbers() {
        let waybill = IntakeRecognizer.waybillNumber
        #expect(waybill.find(in: "顺丰单号SF1234567890123 显示已签收但门店没收到") == "SF1234567890123")
        #expect(waybill.find(in: "调拨单 DB20240312001 少了两箱") == "DB20240312001")
        #expect(waybill.find(in: "tb202403150007退仓还没确认") == "TB202403150007")
        #expect(waybill.find(in: "京东 JDVA12345678901 破损") == "JDVA12345678901")
        #expect(waybill.find(in: "快递单号 773012345678901 一直没更新") == "773012345678901")
        #expect(waybill.find(in: "中通ZTO78901234567") == "ZTO78901234567")
        #expect(waybill.find(in: "订单号 2024031200123 的货还没到") == nil)  // an order number
        #expect(waybill.find(in: "联系电话 13812345678 调拨的货没到") == nil)
        #expect(waybill.find(in: "请问怎么退货") == nil)
    }
}
