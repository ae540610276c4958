import Categories
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// The conversation wired end to end through WeCom: cards and their buttons, typed numbers, feedback kept in
/// the database, the welcome. The rules themselves are table-tested on the reducer (EscalationTests).
@Suite("Conversations in WeCom")
struct ConversationTests {
    let fixture = TestWeCom.fixture

    @Test("A topic word gets a card of numbered suggestions; replying with a number gets that entry's answer")
    func pickSuggestion() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 20001))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 1 })
            let card = try #require(await wecom.state.cards(to: "lisi").first)
            #expect(card.title == "您想问的是不是：")
            #expect(card.buttons.map(\.text) == ["1", "2", "3", "都不是"])
            #expect(card.buttons.last?.key == "none")
            let second = try #require(
                card.subtitle.split(separator: "\n").first { $0.hasPrefix("2. ") }.map { String($0.dropFirst(3)) })
            let expected = try #require(TestConfiguration.seedEntries.first { $0.question == second })
            #expect(card.buttons[1].key == "pick:\(expected.id.rawValue)")
            try await client.post(try fixture.text(from: "lisi", "２", msgID: 20002))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            #expect(await wecom.state.texts(to: "lisi").last?.hasPrefix(expected.answer) == true)
            #expect(
                databaseValue(dataURL, "SELECT decision FROM question_log ORDER BY id DESC LIMIT 1", as: String.self) == "picked")
        }
    }

    @Test("Tapping a suggestion's button answers it, and the button greys out at once through the passive reply")
    func tapSuggestion() async throws {
        try await withLiveServer { client, wecom, _ in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 24001))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 1 })
            let card = try #require(await wecom.state.cards(to: "lisi").first)
            let response = try await client.post(
                try fixture.cardClick(from: "lisi", key: card.buttons[0].key, taskID: card.taskID))
            #expect(response.status == .ok)
            let reply = try fixture.decryptReply(String(buffer: response.body))
            #expect(reply.contains("<MsgType><![CDATA[update_button]]></MsgType>"))
            #expect(reply.contains("<ReplaceName><![CDATA[已选择]]></ReplaceName>"))
            let entryID = String(card.buttons[0].key.dropFirst("pick:".count))
            let entry = try #require(TestConfiguration.seedEntries.first { $0.id.rawValue == entryID })
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            #expect(await wecom.state.texts(to: "lisi").first?.hasPrefix(entry.answer) == true)
        }
    }

    @Test("“都不是” (button or typed) hands the question over with its reason")
    func noneOfThese() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 25001))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 1 })
            let card = try #require(await wecom.state.cards(to: "lisi").first)
            try await client.post(try fixture.cardClick(from: "lisi", key: "none", taskID: card.taskID))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            // A system question: the intake asks which system before the ticket opens.
            #expect(await wecom.state.texts(to: "lisi").first?.contains("转给总部同事") == true)
            #expect(
                databaseValue(dataURL, "SELECT text || '|' || reasons FROM unanswered_question", as: String.self)
                    == #"小票|["suggestions_declined"]"#)

            try await client.post(try fixture.text(from: "wangwu", "小票", msgID: 25002))
            #expect(await eventually { await wecom.state.cards(to: "wangwu").count == 1 })
            try await client.post(try fixture.text(from: "wangwu", "都不是", msgID: 25003))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            #expect(
                databaseValue(
                    dataURL, #"SELECT count(*) FROM unanswered_question WHERE reasons = '["suggestions_declined"]'"#, as: Int.self
                )
                    == 2)
        }
    }

    @Test("An older card's 都不是 or category buttons do not act on a newer question; its entry buttons still answer")
    func olderCard() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 28001))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 1 })
            let older = try #require(await wecom.state.cards(to: "lisi").first)
            try await client.post(try fixture.text(from: "lisi", "货运", msgID: 28002))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 2 })
            try await client.post(try fixture.cardClick(from: "lisi", key: "none", taskID: older.taskID))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            #expect(await wecom.state.texts(to: "lisi").first == "这个选项已经过期了，请直接输入您的问题。")
            #expect(databaseValue(dataURL, "SELECT count(*) FROM unanswered_question", as: Int.self) == 0)
            // The old card's entry button answers, and the newer category choice stays open.
            try await client.post(try fixture.cardClick(from: "lisi", key: older.buttons[0].key, taskID: older.taskID))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 2 })
            try await client.post(try fixture.text(from: "lisi", "物流", msgID: 28003))
            #expect(await eventually { await wecom.state.cards(to: "lisi").count == 3 })
            #expect(await wecom.state.cards(to: "lisi").last?.title == "物流问题里和您的问题最接近的是：")
        }
    }

    @Test("With cards off, suggestions and category choices come as numbered text")
    func cardsOff() async throws {
        try await withLiveServer(adjust: { $0.bot.cards = false }) { client, wecom, _ in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 27001))
            try await client.post(try fixture.text(from: "wangwu", "货运", msgID: 27002))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            let list = try #require(await wecom.state.texts(to: "lisi").first)
            #expect(list.contains("1. ") && list.contains("2. ") && list.contains("3. "))
            #expect(await wecom.state.texts(to: "wangwu").first?.contains("2. 物流问题") == true)
            #expect(await wecom.state.cards(to: "lisi").isEmpty)
            try await client.post(try fixture.text(from: "wangwu", "2", msgID: 27003))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 2 })
            #expect(await wecom.state.texts(to: "wangwu").last?.hasPrefix("物流问题里和您的问题最接近的是：") == true)
        }
    }

    @Test("“没用” right after an answer is recorded as feedback on it, and the question goes to a person")
    func feedback() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 21001))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            #expect(await wecom.state.texts(to: "wangwu").first?.contains("有帮助吗") == true)
            try await client.post(try fixture.text(from: "wangwu", "没用", msgID: 21002))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 2 })
            #expect(await wecom.state.texts(to: "wangwu").last?.contains("运单号或调拨单号") == true)
            #expect(
                databaseValue(dataURL, "SELECT helpful FROM question_log WHERE entry_id = 'logistics-001'", as: Bool.self)
                    == false)
        }
    }

    @Test("Opening the app brings the welcome with the categories and numbered hot questions, once; a number picks one")
    func welcome() async throws {
        try await withLiveServer { client, wecom, _ in
            try await client.post(try fixture.event(from: "zhangsan", "enter_agent", createTime: 1_700_000_100))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            let welcome = try #require(await wecom.state.texts(to: "zhangsan").first)
            for name in ["订单问题", "物流问题", "系统使用问题", "营运问题"] { #expect(welcome.contains(name)) }
            #expect(welcome.contains("1. "))
            // Opening it again soon after is not greeted a second time.
            try await client.post(try fixture.event(from: "zhangsan", "enter_agent", createTime: 1_700_000_200))
            try await client.post(try fixture.text(from: "zhangsan", "1", msgID: 22001))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 2 })
            #expect(await wecom.state.texts(to: "zhangsan").last?.contains("有帮助吗") == true)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await wecom.state.texts(to: "zhangsan").count == 2)
        }
    }

}
