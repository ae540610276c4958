import FakeWeCom
import Foundation
import Logging
import Testing

@testable import WeComAdapter

@Suite("WeCom API client against a fake WeCom")
struct WeComAPIClientTests {
    /// A client for the fake, with short backoffs so retries take milliseconds.
    private func client(_ wecom: FakeWeComServer, attempts: Int = 3) -> WeComAPIClient {
        WeComAPIClient(
            configuration: WeComAPIConfiguration(
                baseURL: wecom.baseURL, corpID: "wwfakecorp000001", agentID: 1_000_002, secret: "fake-secret",
                retryPolicy: RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(5))),
            logger: Logger(label: "test"))
    }

    @Test("A text goes to the right member with the app's agentid; the token is fetched once and reused")
    func sendText() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            let result = try await api.send(.text("您好", to: "zhangsan"))
            try await api.send(.text("第二条", to: "zhangsan"))
            #expect(result.messageID == "fake1")
            #expect(await wecom.state.texts(to: "zhangsan") == ["您好", "第二条"])
            #expect(await wecom.state.gettokenCount == 1)
            let sent = try #require(await wecom.state.sent.first)
            #expect(sent.json["agentid"] as? Int == 1_000_002)
            #expect(sent.msgtype == "text")
        }
    }

    @Test("A gettoken WeCom does not answer gives up after the token's own short timeout, not the call's")
    func slowGettoken() async throws {
        try await FakeWeComServer.with { wecom in
            // gettoken answers after 12 s: within the call's 60 s, far beyond the token's 0.5 s.
            await wecom.state.setGettokenDelay(.seconds(12))
            var configuration = WeComAPIConfiguration(
                baseURL: wecom.baseURL, corpID: "wwfakecorp000001", agentID: 1_000_002, secret: "fake-secret",
                retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: .seconds(60))
            configuration.tokenRequestTimeout = .milliseconds(500)
            let api = WeComAPIClient(configuration: configuration, logger: Logger(label: "test"))
            let error = await #expect(throws: WeComAPIError.self) { try await api.send(.text("您好", to: "zhangsan")) }
            #expect(error?.path == "/cgi-bin/gettoken")
            #expect(error?.kind == .transient)
            #expect(await wecom.state.sendAttempts == 0)
        }
    }

    @Test("A call whose first attempt went unanswered says it may have arrived, even when it ends with an errcode")
    func unansweredThenErrcode() async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.httpStatus(502), on: "/cgi-bin/message/send")
            await wecom.state.inject(.errcode(45009), on: "/cgi-bin/message/send")
            let error = await #expect(throws: WeComAPIError.self) { try await client(wecom).send(.text("您好", to: "zhangsan")) }
            #expect(error?.errcode == 45009)
            #expect(error?.mayHaveArrived == true)
            // A refusal alone delivered nothing.
            await wecom.state.inject(.errcode(45009), on: "/cgi-bin/message/send")
            let refused = await #expect(throws: WeComAPIError.self) { try await client(wecom).send(.text("您好", to: "lisi")) }
            #expect(refused?.mayHaveArrived == false)
        }
    }

    @Test("An expired token (42001) is refreshed and the message still goes out once")
    func expiredToken() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(.text("一", to: "zhangsan"))
            await wecom.state.expireTokens()
            try await api.send(.text("二", to: "zhangsan"))
            #expect(await wecom.state.texts(to: "zhangsan") == ["一", "二"])
            #expect(await wecom.state.gettokenCount == 2)
            #expect(await wecom.state.sendAttempts == 3)
        }
    }

    @Test("An invalid token (40014) is refreshed once, then the call succeeds")
    func invalidToken() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(.text("一", to: "zhangsan"))
            await wecom.state.inject(.errcode(40014), on: "/cgi-bin/message/send")
            try await api.send(.text("二", to: "zhangsan"))
            #expect(await wecom.state.texts(to: "zhangsan") == ["一", "二"])
            #expect(await wecom.state.gettokenCount == 2)
        }
    }

    @Test("Many sends at once after expiry cause exactly one gettoken")
    func singleFlightRefresh() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(.text("warm-up", to: "zhangsan"))
            await wecom.state.expireTokens()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { try await api.send(.text("消息\(index)", to: "lisi")) }
                }
                try await group.waitForAll()
            }
            #expect(await wecom.state.gettokenCount == 2)
            #expect(Set(await wecom.state.texts(to: "lisi")) == Set((0..<20).map { "消息\($0)" }))
        }
    }

    @Test("Concurrent first calls share one gettoken too")
    func singleFlightFirstFetch() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask { try await api.send(.text("\(index)", to: "wangwu")) }
                }
                try await group.waitForAll()
            }
            #expect(await wecom.state.gettokenCount == 1)
        }
    }

    @Test("-1 twice then success delivers once")
    func systemBusyRetried() async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(-1), on: "/cgi-bin/message/send", count: 2)
            try await client(wecom).send(.text("重试", to: "zhangsan"))
            #expect(await wecom.state.texts(to: "zhangsan") == ["重试"])
            #expect(await wecom.state.sendAttempts == 3)
        }
    }

    @Test(
        "45033 and HTTP 5xx are retried with backoff",
        arguments: [
            FakeWeComState.Fault.errcode(45033), .httpStatus(502), .httpStatus(500),
        ])
    func transientRetried(fault: FakeWeComState.Fault) async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(fault, on: "/cgi-bin/message/send")
            try await client(wecom).send(.text("ok", to: "zhangsan"))
            #expect(await wecom.state.texts(to: "zhangsan") == ["ok"])
        }
    }

    @Test("A plain send carries no duplicate check; a checked one does, and WeCom drops it when it had arrived")
    func duplicateCheck() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(.text("同一句", to: "zhangsan"))
            // A repeat without the check is delivered: it may be meant.
            try await api.send(.text("同一句", to: "zhangsan"))
            try await api.send(.text("同一句", to: "zhangsan"), duplicateCheck: DuplicateCheck(interval: .seconds(60)))
            try await api.send(.text("另一句", to: "zhangsan"), duplicateCheck: DuplicateCheck())
            #expect(await wecom.state.texts(to: "zhangsan") == ["同一句", "同一句", "另一句"])
            let dropped = await wecom.state.droppedDuplicates
            #expect(dropped.count == 1)
            #expect(dropped.first?.json["enable_duplicate_check"] as? Int == 1)
            #expect(dropped.first?.json["duplicate_check_interval"] as? Int == 60)
            let sent = await wecom.state.sent
            #expect(sent[0].json["enable_duplicate_check"] == nil)
            #expect(sent[2].json["duplicate_check_interval"] as? Int == 1800)
        }
    }

    @Test("An attempt WeCom did not answer (HTTP 5xx) is retried with the duplicate check; one it refused, without")
    func retryAfterNoAnswerChecked() async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.httpStatus(502), on: "/cgi-bin/message/send")
            try await client(wecom).send(.text("五百", to: "zhangsan"))
            await wecom.state.inject(.errcode(-1), on: "/cgi-bin/message/send")
            try await client(wecom).send(.text("繁忙", to: "lisi"))
            let sent = await wecom.state.sent
            #expect(sent.first { $0.touser == "zhangsan" }?.json["enable_duplicate_check"] as? Int == 1)
            #expect(sent.first { $0.touser == "lisi" }?.json["enable_duplicate_check"] == nil)
        }
    }

    @Test("Transient failures beyond the attempts are thrown as retryable")
    func transientExhausted() async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(-1), on: "/cgi-bin/message/send", count: 5)
            let error = await #expect(throws: WeComAPIError.self) {
                try await client(wecom, attempts: 2).send(.text("x", to: "zhangsan"))
            }
            #expect(error?.kind == .transient)
            #expect(error?.isRetryable == true)
            #expect(await wecom.state.sendAttempts == 2)
        }
    }

    @Test("45009 is not hammered: thrown at once as rate-limited, retryable later")
    func rateLimited() async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(45009), on: "/cgi-bin/message/send")
            let error = await #expect(throws: WeComAPIError.self) {
                try await client(wecom).send(.text("x", to: "zhangsan"))
            }
            #expect(error?.kind == .rateLimited)
            #expect(error?.isRetryable == true)
            #expect(await wecom.state.sendAttempts == 1)
        }
    }

    @Test("Configuration errors fail at once, permanently, with the errcode", arguments: [40013, 40056, 48002, 60020])
    func configurationErrors(errcode: Int) async throws {
        try await FakeWeComServer.with { wecom in
            await wecom.state.inject(.errcode(errcode), on: "/cgi-bin/message/send")
            let error = await #expect(throws: WeComAPIError.self) {
                try await client(wecom).send(.text("x", to: "zhangsan"))
            }
            #expect(error?.kind == .configuration)
            #expect(error?.errcode == errcode)
            #expect(error?.isRetryable == false)
            #expect(await wecom.state.sendAttempts == 1)
        }
    }

    @Test("A wrong secret (40001 from gettoken) is a configuration error that names what to check")
    func wrongSecret() async throws {
        try await FakeWeComServer.with { wecom in
            let api = WeComAPIClient(
                configuration: WeComAPIConfiguration(
                    baseURL: wecom.baseURL, corpID: "wwfakecorp000001", agentID: 1_000_002, secret: "wrong",
                    retryPolicy: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5))),
                logger: Logger(label: "test"))
            let error = await #expect(throws: WeComAPIError.self) { try await api.send(.text("x", to: "zhangsan")) }
            #expect(error?.errcode == 40001)
            #expect(error?.kind == .configuration)
            #expect(error?.description.contains("WECOM_SECRET") == true)
            #expect(error?.description.contains("wrong") == false)
            #expect(await wecom.state.sendAttempts == 0)
        }
    }

    @Test("Payload errors from WeCom's own checks: empty text 44004, oversized text 45002")
    func payloadErrors() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            let empty = await #expect(throws: WeComAPIError.self) { try await api.send(.text("", to: "zhangsan")) }
            #expect(empty?.errcode == 44004)
            #expect(empty?.kind == .invalidPayload)
            let large = await #expect(throws: WeComAPIError.self) {
                try await api.send(.text(String(repeating: "长", count: 700), to: "zhangsan"))
            }
            #expect(large?.errcode == 45002)
            #expect(large?.isRetryable == false)
        }
    }

    @Test("A network error is transient")
    func networkError() async throws {
        let api = WeComAPIClient(
            configuration: WeComAPIConfiguration(
                baseURL: "http://127.0.0.1:9", corpID: "c", agentID: 1, secret: "s",
                retryPolicy: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(5)),
                requestTimeout: .milliseconds(300)),
            logger: Logger(label: "test"))
        let error = await #expect(throws: WeComAPIError.self) { try await api.send(.text("x", to: "u")) }
        #expect(error?.kind == .transient)
        #expect(error?.isRetryable == true)
    }

    @Test("Markdown and a button_interaction card are sent in WeCom's shape; the card returns a response code")
    func markdownAndCard() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(OutgoingMessage(toUsers: ["zhangsan"], body: .markdown("**工单** #1024")))
            let card = TemplateCard(
                source: .init(desc: "StoreDesk"), mainTitle: .init(title: "工单 #1024", desc: "上海南京路店"),
                horizontalContentList: [.init(keyname: "类别", value: "物流问题")], taskID: "tkt-1024",
                buttons: [.init(text: "认领", style: 1, key: "claim:1024"), .init(text: "不是我", style: 2, key: "skip:1024")])
            let result = try await api.send(OutgoingMessage(toUsers: ["zhangsan", "lisi"], body: .templateCard(card)))
            #expect(result.responseCode == "rc2")
            let sent = await wecom.state.sent
            #expect(sent[0].content == "**工单** #1024")
            #expect(sent[1].touser == "zhangsan|lisi")
            let json = try #require(sent[1].json["template_card"] as? [String: any Sendable])
            #expect(json["card_type"] as? String == "button_interaction")
            #expect(json["task_id"] as? String == "tkt-1024")
            try await api.updateTemplateCard(CardUpdate(responseCode: "rc2", userIDs: ["zhangsan"], replaceName: "已认领"))
            let update = try #require(await wecom.state.sent.last)
            #expect(update.path == "/cgi-bin/message/update_template_card")
            #expect((update.json["button"] as? [String: any Sendable])?["replace_name"] as? String == "已认领")
            #expect(update.userIDs == ["zhangsan"])
            #expect(update.json["atall"] as? Int == 0)
            #expect(update.json["agentid"] as? Int == 1_000_002)
        }
    }

    @Test("A card update for everyone sends atall 1 and the send's response code, without userids")
    func cardUpdateAtAll() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            let card = TemplateCard(
                mainTitle: .init(title: "工单 #7"), taskID: "tkt-7", buttons: [.init(text: "认领", key: "claim:7")])
            let sent = try await api.send(OutgoingMessage(toUsers: ["zhangsan", "lisi"], body: .templateCard(card)))
            let code = try #require(sent.responseCode)
            try await api.updateTemplateCard(CardUpdate(responseCode: code, atAll: true, replaceName: "张三已认领"))
            let updates = await wecom.state.cardUpdates
            #expect(updates.count == 1)
            #expect(updates.first?.atAll == true)
            #expect(updates.first?.json["atall"] as? Int == 1)
            #expect(updates.first?.json["userids"] == nil)
            #expect(updates.first?.responseCode == code)
            #expect(updates.first?.replaceName == "张三已认领")
        }
    }

    @Test("A used response code is refused at once, as not retryable")
    func usedResponseCode() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.updateTemplateCard(CardUpdate(responseCode: "rc-click", atAll: true, replaceName: "已认领"))
            let error = await #expect(throws: WeComAPIError.self) {
                try await api.updateTemplateCard(CardUpdate(responseCode: "rc-click", atAll: true, replaceName: "已转派"))
            }
            #expect(error?.errcode == FakeWeComState.invalidResponseCodeErrcode)
            #expect(error?.isRetryable == false)
            #expect(error?.path == "/cgi-bin/message/update_template_card")
            #expect(await wecom.state.cardUpdates.map(\.replaceName) == ["已认领"])
        }
    }

    @Test("A card update refreshes an expired token and retries -1 and HTTP 5xx, as a send does")
    func cardUpdateRetries() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            try await api.send(.text("warm-up", to: "zhangsan"))
            await wecom.state.expireTokens()
            let path = "/cgi-bin/message/update_template_card"
            await wecom.state.inject(.errcode(-1), on: path)
            await wecom.state.inject(.httpStatus(502), on: path)
            try await api.updateTemplateCard(CardUpdate(responseCode: "rc1", userIDs: ["zhangsan"], replaceName: "已处理"))
            #expect(await wecom.state.gettokenCount == 2)
            #expect(await wecom.state.cardUpdates.map(\.responseCode) == ["rc1"])
        }
    }

    @Test("Unknown recipients: 81013 when all are unknown, the list when some are")
    func recipients() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            let error = await #expect(throws: WeComAPIError.self) { try await api.send(.text("x", to: "nobody")) }
            #expect(error?.errcode == 81013)
            #expect(error?.kind == .recipientRejected)
            let result = try await api.send(OutgoingMessage(toUsers: ["zhangsan", "nobody"], body: .text("x")))
            #expect(result.invalidUsers == ["nobody"])
        }
    }

    @Test("user/get and department/list read the directory; an unknown user is 60111")
    func directory() async throws {
        try await FakeWeComServer.with { wecom in
            let api = client(wecom)
            let user = try await api.user(id: "zhangsan")
            #expect(user == WeComUser(userID: "zhangsan", name: "张三", departments: [21], mainDepartment: 21))
            let all = try await api.departments()
            #expect(all.count == 6)
            let east = try await api.departments(rootID: 2)
            #expect(Set(east.map(\.name)) == ["华东区", "上海南京路店", "杭州西湖店"])
            #expect(east.first { $0.id == 21 }?.parentID == 2)
            let error = await #expect(throws: WeComAPIError.self) { try await api.user(id: "ghost") }
            #expect(error?.errcode == 60111)
        }
    }

    @Test("Backoff doubles, is capped, and jitters")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(4))
        #expect((.milliseconds(750)...(.milliseconds(1250))).contains(policy.backoff(afterAttempt: 1)))
        #expect((.milliseconds(1500)...(.milliseconds(2500))).contains(policy.backoff(afterAttempt: 2)))
        #expect((.seconds(3)...(.seconds(5))).contains(policy.backoff(afterAttempt: 10)))
    }

    @Test("Every errcode of the protocol note is classified")
    func classification() {
        #expect(WeComAPIError.kind(ofErrcode: -1) == .transient)
        #expect(WeComAPIError.kind(ofErrcode: 45033) == .transient)
        #expect(WeComAPIError.kind(ofErrcode: 45009) == .rateLimited)
        #expect(WeComAPIError.kind(ofErrcode: 42001) == .tokenRejected)
        #expect(WeComAPIError.kind(ofErrcode: 40014) == .tokenRejected)
        for code in [40001, 40013, 40056, 48002, 60020] { #expect(WeComAPIError.kind(ofErrcode: code) == .configuration) }
        for code in [44004, 45002] { #expect(WeComAPIError.kind(ofErrcode: code) == .invalidPayload) }
    }
}
