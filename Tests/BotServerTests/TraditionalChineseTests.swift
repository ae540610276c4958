import Categories
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// Associates who write traditional characters (Hong Kong, Macau, Taiwan), through WeCom end to end:
/// understood as simplified, answered in traditional, their own text kept.
@Suite("Traditional Chinese through WeCom")
struct TraditionalChineseTests {
    let fixture = TestWeCom.fixture
    let traditional = ChineseScript.traditional

    /// Two associates who write traditional and the shipped escalation.yaml's agents, added to the fake
    /// directory (WeCom delivers only to members it knows).
    static func addPeople(_ wecom: FakeWeComServer) async {
        await wecom.state.addUsers(
            hqAgentMembers() + [
                ["userid": "chanhk", "name": "陳大文", "department": [22], "main_department": 22],
                ["userid": "wongtw", "name": "王小明", "department": [21], "main_department": 21],
            ])
    }

    /// A `question_log` row.
    struct LogLine: Sendable {
        var user: String
        var text: String
        var decision: String
        var entry: String?
        var confidence: Double
    }

    @Test("會員積分怎麼查 is answered like 会员积分怎么查, in traditional; the log keeps what the associate wrote")
    func answeredInTheirScript() async throws {
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "chanhk", "會員積分怎麼查", msgID: 91001))
            try await client.post(try fixture.text(from: "lisi", "会员积分怎么查", msgID: 91002))
            #expect(await eventually { await wecom.state.texts(to: "chanhk").count == 1 })
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            let log = try readDatabase(dataURL) { db in
                try Row.fetchAll(db, sql: "SELECT user_id, text, decision, entry_id, confidence FROM question_log ORDER BY id")
                    .map {
                        LogLine(
                            user: $0["user_id"], text: $0["text"], decision: $0["decision"], entry: $0["entry_id"],
                            confidence: $0["confidence"])
                    }
            }
            let mine = try #require(log.first { $0.user == "chanhk" })
            let theirs = try #require(log.first { $0.user == "lisi" })
            #expect(mine.text == "會員積分怎麼查")
            #expect(mine.decision == "answer")
            #expect(theirs.decision == "answer")
            #expect(mine.entry == theirs.entry)
            #expect(abs(mine.confidence - theirs.confidence) < 0.01)

            let entryID = try #require(mine.entry)
            let entry = try #require(TestConfiguration.seedEntries.first { $0.id.rawValue == entryID })
            let answer = try #require(await wecom.state.texts(to: "chanhk").first)
            #expect(answer.hasPrefix(traditional.writing(entry.answer)))
            #expect(answer != entry.answer && ChineseScript(of: answer) == .traditional)
            #expect(answer.contains("“會員積分怎麼查”有幫助嗎"))
            // Simplified gets the knowledge base's text as it is.
            let simplified = try #require(await wecom.state.texts(to: "lisi").first)
            #expect(simplified.hasPrefix(entry.answer))
            #expect(simplified.contains("“会员积分怎么查”有帮助吗"))
        }
    }

    @Test("沒用 after an answer, 跳過 an intake question, 不用了 and 轉人工 work as in simplified; the ticket keeps the associate's text")
    func commands() async throws {
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "chanhk", "調撥單在哪查", msgID: 92001))
            #expect(await eventually { await wecom.state.texts(to: "chanhk").count == 1 })
            #expect(await wecom.state.texts(to: "chanhk").first?.contains("有幫助嗎") == true)
            #expect(
                databaseValue(dataURL, "SELECT decision FROM question_log WHERE text = '調撥單在哪查'", as: String.self) == "answer")

            try await client.post(try fixture.text(from: "chanhk", "沒用", msgID: 92002))
            #expect(await eventually { await wecom.state.texts(to: "chanhk").count == 2 })
            #expect(
                databaseValue(dataURL, "SELECT helpful FROM question_log WHERE entry_id = 'logistics-001'", as: Bool.self)
                    == false)
            // The intake question, in traditional.
            let intake = try #require(await wecom.state.texts(to: "chanhk").last)
            #expect(intake.contains(traditional.writing("运单号或调拨单号")))
            #expect(!intake.contains("运单号"))

            try await client.post(try fixture.text(from: "chanhk", "跳過", msgID: 92003))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 1))
            #expect(databaseValue(dataURL, "SELECT question FROM ticket WHERE number = 1001", as: String.self) == "調撥單在哪查")

            try await client.post(try fixture.text(from: "chanhk", "不用了", msgID: 92004))
            #expect(
                await databaseEventually(
                    dataURL, "SELECT COUNT(*) FROM ticket_event WHERE ticket = 1001 AND kind = 'withdrawn'", is: 1))

            try await client.post(try fixture.text(from: "wongtw", "我要轉人工", msgID: 92005))
            #expect(await databaseEventually(dataURL, "SELECT COUNT(*) FROM ticket", is: 2))
            let reasons = databaseValue(dataURL, "SELECT reasons FROM ticket WHERE number = 1002", as: String.self)
            #expect(reasons?.contains("requested_human") == true)
            #expect(databaseValue(dataURL, "SELECT question FROM ticket WHERE number = 1002", as: String.self) == "我要轉人工")
        }
    }

    @Test("Suggestions come as a card in traditional (調貨 reads as its synonym 调拨); a number answers in traditional")
    func suggestionsInTheirScript() async throws {
        try await withLiveServer(prepare: { wecom, _ in await Self.addPeople(wecom) }) { client, wecom, _ in
            try await client.post(try fixture.text(from: "chanhk", "調貨", msgID: 93001))
            #expect(await eventually { await wecom.state.cards(to: "chanhk").count == 1 })
            let card = try #require(await wecom.state.cards(to: "chanhk").first)
            #expect(card.title == traditional.writing("您想问的是不是："))
            #expect(card.buttons.last?.text == traditional.writing("都不是"))
            #expect(card.buttons.last?.key == "none")
            let first = try #require(
                card.subtitle.split(separator: "\n").first { $0.hasPrefix("1. ") }.map { String($0.dropFirst(3)) })
            let entry = try #require(TestConfiguration.seedEntries.first { traditional.writing($0.question) == first })
            #expect(card.buttons.first?.key == "pick:\(entry.id.rawValue)")

            // "1" is written alike in both scripts: the question behind the list says which.
            try await client.post(try fixture.text(from: "chanhk", "1", msgID: 93002))
            #expect(await eventually { await wecom.state.texts(to: "chanhk").count == 1 })
            #expect(await wecom.state.texts(to: "chanhk").first?.hasPrefix(traditional.writing(entry.answer)) == true)
        }
    }
}
