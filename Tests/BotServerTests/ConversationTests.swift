import Categories
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// How a conversation in WeCom goes: suggestions picked by number, feedback, the welcome, 转人工.
@Suite("Conversations in WeCom")
struct ConversationTests {
    let fixture = TestWeCom.fixture

    @Test("A topic word gets numbered suggestions; replying with a number gets that entry's answer")
    func pickSuggestion() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 20001))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            let list = try #require(await wecom.state.texts(to: "lisi").first)
            #expect(list.contains("1. ") && list.contains("2. ") && list.contains("3. "))
            let second = try #require(list.split(separator: "\n").first { $0.hasPrefix("2. ") }.map { String($0.dropFirst(3)) })
            try await client.post(try fixture.text(from: "lisi", "２", msgID: 20002))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 2 })
            let answer = try #require(await wecom.state.texts(to: "lisi").last)
            let expected = try #require(
                TestConfiguration.seedEntries.first { $0.question == second }?.answer)
            #expect(answer.hasPrefix(expected))
            #expect(
                databaseValue(dataURL, "SELECT decision FROM question_log ORDER BY id DESC LIMIT 1", as: String.self) == "picked")
        }
    }

    @Test("“没用” right after an answer is recorded as feedback on it, and the associate is offered a person")
    func feedback() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 21001))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            #expect(await wecom.state.texts(to: "wangwu").first?.contains("有帮助吗") == true)
            try await client.post(try fixture.text(from: "wangwu", "没用", msgID: 21002))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 2 })
            #expect(await wecom.state.texts(to: "wangwu").last?.contains("转人工") == true)
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

    @Test("转人工 works in the middle of suggestions too")
    func humanAnytime() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "小票", msgID: 23001))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            try await client.post(try fixture.text(from: "lisi", "转人工", msgID: 23002))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 2 })
            #expect(await wecom.state.texts(to: "lisi").last?.contains("已为您转人工") == true)
            #expect(databaseValue(dataURL, "SELECT reasons FROM unanswered_question", as: String.self) == "requested_human")
        }
    }
}
