import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// Tickets end to end, through the WeCom callback and the fake WeCom API, with the shipped
/// `Config/escalation.yaml` and a clock at Wednesday 10:00 in Shanghai, in working hours: south-ops
/// (`offer: team`) offers a 华南区 ticket to both members and its lead, east-north offers a 华东区 one to
/// one member.
@Suite("Tickets through WeCom")
struct TicketFlowTests {
    let fixture = TestWeCom.fixture
    /// 2026-12-02 02:00 UTC: Wednesday 10:00 in Shanghai, in every team's working hours.
    static let morning = Date(timeIntervalSince1970: 1_796_176_800)
    /// 2026-12-02 18:40 UTC: Thursday 02:40 in Shanghai, outside every team's working hours.
    static let night = Date(timeIntervalSince1970: 1_796_236_800)

    /// The HQ agents of the shipped escalation.yaml and a second associate of 广州天河店, added to the
    /// fake directory (WeCom delivers only to members it knows).
    static func addPeople(_ wecom: FakeWeComServer) async {
        await wecom.state.addUsers(
            hqAgentMembers() + [
                ["userid": "xiaoli", "name": "小李", "department": [31], "main_department": 31]
            ])
    }

    /// Texts delivered to `user`, alone or among several recipients.
    static func texts(_ wecom: FakeWeComServer, to user: String) async -> [String] {
        await wecom.state.sent.filter { $0.touser?.split(separator: "|").contains(Substring(user)) == true }.compactMap(\.content)
    }

    static func cards(_ wecom: FakeWeComServer, to user: String) async -> [FakeWeComState.Card] {
        await wecom.state.sent.filter { $0.touser?.split(separator: "|").contains(Substring(user)) == true }.compactMap(\.card)
    }

    @Test("A regional question of a 华南区 store: ticket, race to claim, replies both ways, silence, progress, rating")
    func wholeFlow() async throws {
        let clock = ManualWallClock(Self.morning)
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "我们广州这边门店周末的促销活动怎么安排？", msgID: 80001))
            // The associate hears the team and the number; the team and its lead get the card and the case.
            #expect(await eventually { await Self.texts(wecom, to: "wangwu").count == 1 })
            let told = await Self.texts(wecom, to: "wangwu")[0]
            #expect(told.contains("已转交华南区营运支持，工单 #1001"))
            #expect(told.contains("预计 2 个工作小时内回复"))
            #expect(await eventually { await Self.cards(wecom, to: "hq_cai").count == 1 })
            let card = try #require(await Self.cards(wecom, to: "hq_amy").first)
            #expect(card.buttons.map(\.text) == ["认领", "转派"])
            #expect(await Self.cards(wecom, to: "hq_bob").count == 1)
            #expect(await eventually { await Self.texts(wecom, to: "hq_amy").first?.contains("广州天河店") == true })

            // Two agents tap 认领 at once: one wins, the other's card says who.
            async let amy = client.post(
                try fixture.cardClick(from: "hq_amy", key: "claim:1001", taskID: card.taskID, responseCode: "rc-amy"))
            async let bob = client.post(
                try fixture.cardClick(from: "hq_bob", key: "claim:1001", taskID: card.taskID, responseCode: "rc-bob"))
            _ = try await (amy, bob)
            #expect(await eventually { await wecom.state.cardUpdates.count == 2 })
            let winner = try #require(databaseValue(dataURL, "SELECT assignee FROM ticket WHERE number = 1001", as: String.self))
            let loser = winner == "hq_amy" ? "hq_bob" : "hq_amy"
            let winnerName = winner == "hq_amy" ? "Amy" : "Bob"
            let updates = await wecom.state.cardUpdates
            let forAll = try #require(updates.first { $0.atAll })
            #expect(forAll.responseCode == (winner == "hq_amy" ? "rc-amy" : "rc-bob"))
            #expect(forAll.replaceName == "已被\(winnerName)认领")
            let forLoser = try #require(updates.first { !$0.atAll })
            #expect(forLoser.userIDs == [loser])
            #expect(forLoser.replaceName == "已被\(winnerName)认领")
            #expect(await eventually { await Self.texts(wecom, to: loser).contains("工单 #1001 已被\(winnerName)认领。") })
            #expect(await eventually { await Self.texts(wecom, to: "wangwu").count == 2 })
            #expect(await Self.texts(wecom, to: "wangwu")[1] == "\(winnerName) 已接单（工单 #1001），请留意回复。")

            // The agent replies; the associate's next messages go to the agent, and the bot stays silent.
            try await client.post(try fixture.text(from: winner, "#1001 您好，本周末按区域通知执行", msgID: 80002))
            #expect(await eventually { await Self.texts(wecom, to: "wangwu").count == 3 })
            #expect(await Self.texts(wecom, to: "wangwu")[2] == "【#1001 华南区营运支持 \(winnerName)】您好，本周末按区域通知执行")
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 80003))
            #expect(await eventually { await Self.texts(wecom, to: winner).contains("【#1001 王五·广州天河店】调拨单在哪查") })
            try await client.post(try fixture.image(from: "wangwu", msgID: 80004))
            #expect(
                await eventually {
                    await Self.texts(wecom, to: winner).contains("【#1001 王五·广州天河店】[图片] http://example.invalid/p.jpg")
                })
            // The picture itself follows, by the media id the associate's message carried.
            #expect(
                await eventually {
                    await wecom.state.sent.contains {
                        $0.msgtype == "image" && $0.touser == winner
                            && ($0.json["image"] as? [String: any Sendable])?["media_id"] as? String == "m1"
                    }
                })
            #expect(await Self.texts(wecom, to: "wangwu").count == 3)

            // A colleague of the same store sees where it stands.
            try await client.post(try fixture.text(from: "xiaoli", "#1001 进度", msgID: 80005))
            #expect(await eventually { await Self.texts(wecom, to: "xiaoli").first?.contains("处理中") == true })

            // Resolution brings the rating card; the rating is kept.
            try await client.post(try fixture.text(from: winner, "#1001 解决 已告知周末促销安排", msgID: 80006))
            #expect(await eventually { await Self.cards(wecom, to: "wangwu").count == 1 })
            #expect(await Self.texts(wecom, to: "wangwu").contains("工单 #1001 已解决：已告知周末促销安排"))
            let rating = try #require(await Self.cards(wecom, to: "wangwu").first)
            #expect(rating.buttons.map(\.text) == ["满意", "不满意", "没解决"])
            try await client.post(
                try fixture.cardClick(
                    from: "wangwu", key: rating.buttons[0].key, taskID: rating.taskID, createTime: 1_700_000_100))
            #expect(await databaseEventually(dataURL, "SELECT rating FROM ticket WHERE number = 1001", is: "satisfied"))
            // After resolution the bot answers again.
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 80007))
            #expect(await eventually { await Self.texts(wecom, to: "wangwu").last?.contains("调拨单查询") == true })

            // The API shows the case, the transcript both ways and the timeline.
            let detail = try await client.execute(
                uri: "/api/v1/tickets/1001", method: .get, headers: [.authorization: "Bearer test-admin-token"])
            let body = jsonObject(detail)
            let ticket = try #require(body["ticket"] as? [String: Any])
            #expect(ticket["number"] as? Int == 1001)
            #expect(ticket["team"] as? String == "south-ops")
            #expect(ticket["status"] as? String == "resolved")
            #expect((ticket["csat"] as? [String: Any])?["rating"] as? String == "satisfied")
            let kinds = (body["timeline"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(
                kinds == ["opened", "offered", "claimed", "replied", "associate_wrote", "associate_wrote", "resolved", "rated"])
            let directions = (body["transcript"] as? [[String: Any]] ?? []).compactMap { $0["direction"] as? String }
            #expect(directions.contains("from_associate") && directions.contains("to_associate"))
        }
    }

    @Test("Voice messages, videos and pictures travel both ways as media; an agent's goes to the ticket they last worked on")
    func media() async throws {
        let clock = ManualWallClock(Self.morning)
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            func sentMedia(_ type: String, to user: String) async -> [String] {
                await wecom.state.sent.filter { $0.msgtype == type && $0.touser == user }.compactMap(\.mediaID)
            }
            try await client.post(try fixture.text(from: "wangwu", "我们广州这边门店周末的促销活动怎么安排？", msgID: 82001))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            try await client.post(try fixture.text(from: "hq_amy", "#1001 认领", msgID: 82002))
            #expect(await databaseEventually(dataURL, "SELECT assignee FROM ticket WHERE number = 1001", is: "hq_amy"))

            // The associate's voice message and video reach the agent as they are, after the line that says whose.
            try await client.post(try fixture.media("voice", from: "wangwu", mediaID: "v1", msgID: 82003))
            try await client.post(try fixture.media("video", from: "wangwu", mediaID: "vd1", msgID: 82004))
            #expect(await eventually { await sentMedia("voice", to: "hq_amy") == ["v1"] })
            #expect(await eventually { await sentMedia("video", to: "hq_amy") == ["vd1"] })
            #expect(await Self.texts(wecom, to: "hq_amy").contains("【#1001 王五·广州天河店】[语音]"))
            #expect(await Self.texts(wecom, to: "hq_amy").contains("【#1001 王五·广州天河店】[视频]"))

            // The agent's picture, right after claiming, goes to the store of that ticket, and onto it.
            try await client.post(try fixture.image(from: "hq_amy", msgID: 82005))
            #expect(await eventually { await sentMedia("image", to: "wangwu") == ["m1"] })
            #expect(await Self.texts(wecom, to: "wangwu").contains("【#1001 华南区营运支持 Amy】[图片]"))
            #expect(await eventually { await Self.texts(wecom, to: "hq_amy").contains("图片已发给王五（工单 #1001）。") })
            #expect(
                try databaseValue(
                    dataURL, "SELECT COUNT(*) FROM ticket_message WHERE ticket = 1001 AND text IN ('[语音]', '[视频]', '[图片]')",
                    as: Int.self) == 3)

            // Half an hour later the agent's video has no ticket to go to: they are told how, and the store gets nothing.
            clock.advance(by: TicketDesk.forwardWindow + 60)
            try await client.post(try fixture.media("video", from: "hq_amy", mediaID: "vd2", msgID: 82006))
            #expect(await eventually { await Self.texts(wecom, to: "hq_amy").last?.hasPrefix("视频要发给哪张工单？") == true })
            // Nor does a colleague's picture go to a ticket they do not hold.
            try await client.post(try fixture.image(from: "hq_bob", msgID: 82007))
            #expect(await eventually { await Self.texts(wecom, to: "hq_bob").last?.hasPrefix("图片要发给哪张工单？") == true })
            #expect(await sentMedia("video", to: "wangwu").isEmpty)
            #expect(await sentMedia("image", to: "wangwu") == ["m1"])

            // A picture right after resolving another ticket is not for whichever ticket the agent still holds.
            try await client.post(try fixture.text(from: "hq_amy", "#1001 好的，我再确认一下", msgID: 82008))
            try await client.post(try fixture.text(from: "xiaoli", "我们广州这边门店周末的促销活动怎么安排？", msgID: 82009))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 2))
            try await client.post(try fixture.text(from: "hq_amy", "#1002 认领", msgID: 82010))
            try await client.post(try fixture.text(from: "hq_amy", "#1002 解决 已按区域通知执行", msgID: 82011))
            #expect(await databaseEventually(dataURL, "SELECT status FROM ticket WHERE number = 1002", is: "resolved"))
            try await client.post(try fixture.image(from: "hq_amy", msgID: 82012))
            #expect(await eventually { await Self.texts(wecom, to: "hq_amy").last?.hasPrefix("图片要发给哪张工单？") == true })
            #expect(await sentMedia("image", to: "wangwu") == ["m1"])
            #expect(await sentMedia("image", to: "xiaoli").isEmpty)
        }
    }

    @Test("The API's agent actions are timeline events with their author; wrong ones get clear errors")
    func api() async throws {
        let clock = ManualWallClock(Self.morning)
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "转人工", msgID: 81001))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]
            func post(_ path: String, _ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/tickets/1001/" + path, method: .post, headers: auth, body: ByteBuffer(string: body))
            }
            #expect(try await post("claim", #"{"agent": "nobody"}"#).status == .badRequest)
            #expect(try await post("claim", #"{"agent": "hq_bob"}"#).status == .ok)
            #expect(try await post("reply", #"{"agent": "hq_cai", "text": "我来"}"#).status == .conflict)
            #expect(try await post("reply", #"{"agent": "hq_bob", "text": "请问是什么问题？"}"#).status == .ok)
            #expect(await eventually { await Self.texts(wecom, to: "zhangsan").last == "【#1001 华东华北区支持 Bob】请问是什么问题？" })
            #expect(try await post("note", #"{"agent": "hq_bob", "text": "内部"}"#).status == .ok)
            let resolved = try await post("resolve", #"{"agent": "hq_bob", "text": "已电话沟通"}"#)
            #expect(resolved.status == .ok)
            let timeline = (jsonObject(resolved)["timeline"] as? [[String: Any]] ?? []).map {
                "\($0["kind"] as? String ?? "")/\($0["actor"] as? String ?? "")"
            }
            #expect(timeline.suffix(4) == ["claimed/hq_bob", "replied/hq_bob", "noted/hq_bob", "resolved/hq_bob"])
            let missing = try await client.execute(uri: "/api/v1/tickets/9999", method: .get, headers: auth)
            #expect(missing.status == .notFound)
            let list = try await client.execute(
                uri: "/api/v1/tickets?status=resolved&team=east-north", method: .get, headers: auth)
            #expect((jsonObject(list)["tickets"] as? [[String: Any]])?.first?["number"] as? Int == 1001)
            let unauthorised = try await client.execute(uri: "/api/v1/tickets", method: .get)
            #expect(unauthorised.status == .unauthorized)
        }
    }

    @Test("A hand-over whose intake question goes unanswered reaches a person anyway; a later one joins the active ticket")
    func unansweredIntake() async throws {
        let clock = ManualWallClock(Self.morning)
        try await withLiveServer(
            prepare: { wecom, _ in await Self.addPeople(wecom) },
            adjust: { $0.dueSweepInterval = .milliseconds(50) }, clock: clock
        ) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "顾客的线上订单退款一直没到账，转人工", msgID: 82001))
            #expect(await eventually { await Self.texts(wecom, to: "zhangsan").first?.contains("订单号") == true })
            #expect(try databaseValue(dataURL, "SELECT COUNT(*) FROM ticket", as: Int.self) == 0)
            // The associate walks away; ten minutes later the sweep opens the ticket with what is known.
            clock.advance(by: 11 * 60)
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            #expect(await eventually { await Self.texts(wecom, to: "zhangsan").last?.contains("工单 #1001") == true })
            // east-north offers it to one member: Bob, the first with the fewest tickets.
            #expect(await eventually { await Self.cards(wecom, to: "hq_bob").count == 1 })
            #expect(try databaseValue(dataURL, "SELECT COUNT(*) FROM conversation WHERE due_at IS NOT NULL", as: Int.self) == 0)

            // 新问题 gives the conversation back to the bot; a new hand-over then joins #1001, and the associate hears so.
            try await client.post(try fixture.text(from: "zhangsan", "新问题", msgID: 82002))
            try await client.post(try fixture.text(from: "zhangsan", "我要投诉，系统又崩了！", msgID: 82003))
            #expect(await eventually { await Self.texts(wecom, to: "zhangsan").last?.contains("已补充到该工单") == true })
            #expect(try databaseValue(dataURL, "SELECT COUNT(*) FROM ticket", as: Int.self) == 1)
        }
    }

    @Test("At night a 华南区 ticket waits for the morning: the associate is told when, and nobody is offered it yet")
    func deferredAtNight() async throws {
        let clock = ManualWallClock(Self.night)
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }, clock: clock) {
            client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "我们广州这边门店周末的促销活动怎么安排？", msgID: 83001))
            #expect(await eventually { await Self.texts(wecom, to: "wangwu").count == 1 })
            let told = await Self.texts(wecom, to: "wangwu")[0]
            #expect(told.contains("已转交华南区营运支持，工单 #1001"))
            #expect(told.contains("将于今天 09:00 开始处理"))
            #expect(
                try databaseValue(dataURL, "SELECT COUNT(*) FROM ticket_event WHERE kind = 'offered'", as: Int.self) == 0)
            // No card and no word reach HQ before the team opens.
            try await Task.sleep(for: .milliseconds(300))
            #expect(await wecom.state.sent.allSatisfy { $0.touser == "wangwu" })
        }
    }
}
