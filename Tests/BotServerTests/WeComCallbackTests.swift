import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// The whole path of a message: WeCom's encrypted callback in, the knowledge-base answer out
/// through message/send, against the real server, database and crypto and a fake WeCom API.
@Suite("A WeCom message in, an answer out")
struct WeComCallbackTests {
    let fixture = TestWeCom.fixture

    @Test("URL verification answers the plain echostr, percent-decoded, with no newline")
    func urlVerification() async throws {
        let data = try TemporaryDirectory()
        let app = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: "http://127.0.0.1:9"), engines: TestConfiguration.engines)
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            // An echo string whose ciphertext has '+' and '/' gets percent-encoded on the wire.
            let query = try fixture.urlVerification(echo: "1616140317555161061")
            let response = try await client.execute(uri: "/wecom/callback?" + query, method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "1616140317555161061")
        }
    }

    @Test("A text message is answered through message/send to the right user with the matching KB answer")
    func textAnswered() async throws {
        try await withLiveServer { client, wecom, dataURL in
            let response = try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 1001))
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            let answer = try #require(await wecom.state.texts(to: "zhangsan").first)
            #expect(answer.contains("调拨单查询"))
            #expect(await wecom.state.texts(to: "lisi").isEmpty)
        }
    }

    @Test("A redelivery of the same MsgId produces no second answer")
    func redeliveryDeduplicated() async throws {
        try await withLiveServer { client, wecom, dataURL in
            let callback = try fixture.text(from: "zhangsan", "POS机打不出小票怎么办", msgID: 2002)
            #expect(try await client.post(callback).status == .ok)
            #expect(try await client.post(callback).status == .ok)
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            // A third delivery after the answer went out is still a redelivery.
            #expect(try await client.post(callback).status == .ok)
            try await Task.sleep(for: .milliseconds(400))
            #expect(await wecom.state.texts(to: "zhangsan").count == 1)
            let inbox = try readDatabase(dataURL) { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") }
            #expect(inbox == 1)
        }
    }

    @Test("An expired token (42001) is refreshed and the message still goes out once")
    func expiredTokenRefreshed() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 3001))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            await wecom.state.expireTokens()
            try await client.post(try fixture.text(from: "zhangsan", "POS机打不出小票怎么办", msgID: 3002))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 2 })
            try await Task.sleep(for: .milliseconds(200))
            #expect(await wecom.state.texts(to: "zhangsan").count == 2)
            #expect(await wecom.state.gettokenCount == 2)
        }
    }

    @Test("-1 twice, then success: the answer is delivered once")
    func systemBusyTwice() async throws {
        try await withLiveServer(prepare: { wecom, _ in
            await wecom.state.inject(.errcode(-1), on: "/cgi-bin/message/send", count: 2)
        }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "调拨单在哪查", msgID: 4001))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(await wecom.state.texts(to: "lisi").count == 1)
            #expect(await wecom.state.sendAttempts == 3)
        }
    }

    @Test("Failures beyond one call's attempts are retried later, and one associate's answers keep their order")
    func retriedLaterInOrder() async throws {
        try await withLiveServer(prepare: { wecom, _ in
            await wecom.state.inject(.errcode(-1), on: "/cgi-bin/message/send", count: 7)
        }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 5001))
            try await client.post(try fixture.image(from: "wangwu", msgID: 5002))
            #expect(await eventually(timeout: .seconds(30)) { await wecom.state.texts(to: "wangwu").count == 2 })
            let texts = await wecom.state.texts(to: "wangwu")
            #expect(texts[0].contains("调拨单查询"))
            #expect(texts[1].contains("文字"))
        }
    }

    @Test("A permanent failure is recorded with its errcode and not retried")
    func permanentFailureRecorded() async throws {
        try await withLiveServer(prepare: { wecom, _ in
            await wecom.state.inject(.errcode(48002), on: "/cgi-bin/message/send")
        }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 6001))
            #expect(await databaseEventually(dataURL, "SELECT status || ':' || last_errcode FROM outbox", is: "failed:48002"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(await wecom.state.sendAttempts == 1)
        }
    }

    @Test("A process stopped after accepting a message and before sending answers it after restart")
    func answersAfterRestart() async throws {
        let data = try TemporaryDirectory()
        let dataURL = data.url
        // First run: WeCom's API is unreachable, so the answer cannot leave.
        let offline = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: "http://127.0.0.1:9"), engines: TestConfiguration.engines)
        try await offline.test(.live) { client in
            try await waitForFirstCalibration(client)
            let callback = try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 7001)
            let response = try await client.post(callback)
            #expect(response.status == .ok)
            #expect(
                await databaseEventually(dataURL, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts > 0", is: 1))
        }
        // Second run on the same data folder, WeCom reachable: the stored answer goes out once.
        try await FakeWeComServer.with { wecom in
            let online = try await buildApplication(
                TestConfiguration.make(data: data.url, apiBase: wecom.baseURL), engines: TestConfiguration.engines)
            try await online.test(.live) { client in
                try await waitForFirstCalibration(client)
                #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
                #expect(await wecom.state.texts(to: "zhangsan").first?.contains("调拨单查询") == true)
                try await Task.sleep(for: .milliseconds(300))
                #expect(await wecom.state.texts(to: "zhangsan").count == 1)
            }
        }
    }

    @Test("Messages accepted but not yet processed are picked up at start")
    func unprocessedInboxResumed() async throws {
        // Accept a message as the callback would, with nothing running to process it.
        let xml =
            "<xml><ToUserName><![CDATA[\(TestWeCom.corpID)]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName>"
            + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[调拨单在哪查]]></Content>"
            + "<MsgId>8001</MsgId><AgentID>\(TestWeCom.agentID)</AgentID></xml>"
        try await withLiveServer(prepare: { _, data in
            let accepted = try await acceptIntoInbox(data, key: "msg:1000002:8001", user: "lisi", xml: xml)
            #expect(accepted)
        }) { _, wecom, _ in
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
        }
    }

    @Test("An associate whose message cannot be handled blocks only themselves")
    func stuckAssociateBlocksOnlyThemselves() async throws {
        try await withLiveServer(prepare: { _, data in
            // A stored message that can never be decoded keeps its associate's lane retrying.
            let accepted = try await acceptIntoInbox(data, key: "bad", user: "zhangsan", xml: "<xml>broken")
            #expect(accepted)
        }) { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "调拨单在哪查", msgID: 9001))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            // The broken message is set aside as failed, kept with its error, and the associate moves on.
            #expect(await databaseEventually(dataURL, "SELECT status FROM inbox WHERE dedupe_key = 'bad'", is: "failed"))
            try await client.post(try fixture.text(from: "zhangsan", "调拨单在哪查", msgID: 9002))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
        }
    }

    @Test("A request for a person about a system is handed over: the intake asks which system, and it is stored with its reasons")
    func handedOverStored() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "转人工，收银机一直报错", msgID: 10001))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            #expect(await wecom.state.texts(to: "zhangsan").first?.contains("哪个系统") == true)
            let stored = try readDatabase(dataURL) { db in
                try Row.fetchOne(db, sql: "SELECT text, reasons, category FROM unanswered_question WHERE user_id = 'zhangsan'")
                    .map { [$0["text"] as String, $0["reasons"] as String, $0["category"] as String? ?? ""] }
            }
            #expect(stored == ["转人工，收银机一直报错", #"["requested_human"]"#, "system"])
        }
    }

    @Test("Off-topic chat gets a polite word and is not stored as unanswered")
    func offTopic() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "zhangsan", "明天北京会下雨吗", msgID: 10002))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            #expect(await wecom.state.texts(to: "zhangsan").first?.contains("回答不了") == true)
            #expect(databaseValue(dataURL, "SELECT COUNT(*) FROM unanswered_question", as: Int.self) == 0)
        }
    }

    @Test("A non-text message gets a polite request to type the question")
    func nonText() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.image(from: "lisi", msgID: 11001))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            #expect(await wecom.state.texts(to: "lisi").first?.contains("请直接输入") == true)
        }
    }

    @Test("An answer longer than 2048 bytes arrives as ordered parts, each within the limit")
    func longAnswerSplit() async throws {
        let steps = (1...60).map { "第\($0)步：在 ERP 中打开对应菜单，核对单据信息后提交。" }.joined(separator: "\n")
        let entry =
            #"{"id":"long-1","category":"operations","question":"门店装修闭店怎么报备","similar":["装修要闭店怎么申请","店铺装修停业流程","装修期间暂停营业怎么办"],"answer":"\#(steps.replacingOccurrences(of: "\n", with: "\\n"))"}"#
        try await withLiveServer(config: { data in try TestConfiguration.writeKnowledgeBase(in: data, adding: [entry]) }) {
            client, wecom, _ in
            try await client.post(try fixture.text(from: "zhangsan", "门店装修闭店怎么报备", msgID: 12001))
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").joined().hasPrefix(steps) })
            let parts = await wecom.state.texts(to: "zhangsan")
            #expect(parts.count >= 2)
            #expect(parts.allSatisfy { $0.utf8.count <= 2048 })
        }
    }
}
