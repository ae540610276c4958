import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

@Suite("Admin API: knowledge import and export")
struct KnowledgeAdminTests {
    static let token = "test-admin-token"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/x-ndjson"]

    private func exportedIDs(_ client: some TestClientProtocol) async throws -> [String] {
        let response = try await client.execute(uri: "/api/v1/knowledge/export", method: .get, headers: Self.auth)
        #expect(response.headers[.contentType]?.hasPrefix("application/x-ndjson") == true)
        return String(buffer: response.body).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    @Test("A missing or wrong token is 401 with a JSON error", arguments: [nil, "Bearer nope", "Basic abc"])
    func unauthorized(header: String?) async throws {
        try await withRouterServer { client in
            var headers: HTTPFields = [:]
            if let header { headers[.authorization] = header }
            let response = try await client.execute(uri: "/api/v1/knowledge/export", method: .get, headers: headers)
            #expect(response.status == .unauthorized)
            #expect((jsonObject(response)["error"] as? String)?.contains("admin token") == true)
        }
    }

    @Test("The seed knowledge base is in the database and exports as JSON lines")
    func exportSeed() async throws {
        try await withRouterServer { client in
            let ids = try await exportedIDs(client)
            #expect(ids.count == 48)
            #expect(ids.first == "order-001")
        }
    }

    @Test("A merge import adds entries; a bad line is 400 naming it, and nothing changes")
    func importMerge() async throws {
        try await withRouterServer { client in
            let body = """
                {"id":"system-100","category":"system","question":"收银小票纸在哪领","similar":["小票纸用完了去哪要","热敏纸怎么申领","收银纸没了"],"answer":"在 ERP → 物料申领 里申请，总仓随下次配送送到。"}
                """
            let response = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: Self.auth, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(jsonObject(response)["imported"] as? Int == 1)
            #expect(try await exportedIDs(client).count == 49)

            let bad = """
                {"id":"x-1","category":"system","question":"q","answer":"a"}
                {"id":"x-2","category":"nonexistent","question":"q","answer":"a"}
                """
            let refused = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: Self.auth, body: ByteBuffer(string: bad))
            #expect(refused.status == .badRequest)
            #expect(jsonObject(refused)["line"] as? Int == 2)
            #expect((jsonObject(refused)["error"] as? String)?.contains("nonexistent") == true)
            let invalid = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: Self.auth,
                body: ByteBuffer(string: "{\"id\":\"x-3\",\"category\":\"system\",\"question\":\"q\",\"answer\":\"a\"}\n{oops"))
            #expect(invalid.status == .badRequest)
            #expect(jsonObject(invalid)["line"] as? Int == 2)
            #expect(try await exportedIDs(client).count == 49)
        }
    }

    @Test("A replace import leaves exactly the file; removing a category in use is refused by name")
    func importReplace() async throws {
        try await withRouterServer { client in
            let body = #"{"id":"only-1","category":"logistics","question":"调拨单在哪查","answer":"ERP 调拨单查询"}"#
            let response = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=replace", method: .post, headers: Self.auth, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(try await exportedIDs(client) == ["only-1"])
            let categories = #"{"id":"order","name":"订单问题"}"#
            let refused = try await client.execute(
                uri: "/api/v1/categories/import?mode=replace", method: .post, headers: Self.auth,
                body: ByteBuffer(string: categories))
            #expect(refused.status == .badRequest)
            #expect((jsonObject(refused)["error"] as? String)?.contains("logistics") == true)
        }
    }

    @Test("A bad mode is 400")
    func badMode() async throws {
        try await withRouterServer { client in
            let mode = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=overwrite", method: .post, headers: Self.auth, body: ByteBuffer(string: ""))
            #expect(mode.status == .badRequest)
        }
    }

    @Test("CSV from a spreadsheet imports on the same route, and the export round-trips")
    func csv() async throws {
        try await withRouterServer { client in
            var csv = Self.auth
            csv[.contentType] = "text/csv"
            let sheet =
                "\u{FEFF}id,category,question,similar,answer,status\r\n"
                + "sys-300,system,\"收银机显示\"\"网络异常\"\"\",\"断网提示\nPOS 网络错误|收银机连不上网\",\"先重启路由器，再重启收银机。\",published\r\n"
                + "sys-301,system,会员码扫不出,会员码扫不了,请顾客刷新会员码,draft\r\n"
            let response = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: csv, body: ByteBuffer(string: sheet))
            #expect(response.status == .ok)
            #expect(jsonObject(response)["imported"] as? Int == 2)
            let entry = jsonObject(try await client.execute(uri: "/api/v1/knowledge/sys-300", method: .get, headers: Self.auth))
            let fields = entry["entry"] as? [String: Any]
            #expect(fields?["question"] as? String == "收银机显示\"网络异常\"")
            #expect(fields?["similar"] as? [String] == ["断网提示", "POS 网络错误", "收银机连不上网"])
            let exported = try await client.execute(uri: "/api/v1/knowledge/export?format=csv", method: .get, headers: Self.auth)
            #expect(exported.headers[.contentType]?.hasPrefix("text/csv") == true)
            let again = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=replace", method: .post, headers: csv, body: exported.body)
            #expect(jsonObject(again)["imported"] as? Int == 50)
            #expect(try await exportedIDs(client).count == 50)

            let bad = "id,category,question,similar,answer\r\nx-1,system,q,s,a\r\nx-2,nope,q,s,a\r\n"
            let refused = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: csv, body: ByteBuffer(string: bad))
            #expect(refused.status == .badRequest)
            #expect(jsonObject(refused)["line"] as? Int == 3)
            let noColumn = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: csv, body: ByteBuffer(string: "id,question\r\n1,q\r\n"))
            #expect(noColumn.status == .badRequest)
            #expect((jsonObject(noColumn)["error"] as? String)?.contains("category") == true)
        }
    }

    @Test("An imported knowledge base answers the next WeCom question without a restart, and survives one")
    func importThenAsk() async throws {
        let entry = """
            {"id":"ops-900","category":"operations","question":"门店空调坏了找谁修","similar":["空调不制冷了怎么报修","店里空调坏了","空调报修电话"],"answer":"在企业微信「工单」里提交设施报修，选择空调类，物业 4 小时内上门。"}
            """
        try await withLiveServer { client, wecom, dataURL in
            let response = try await client.execute(
                uri: "/api/v1/knowledge/import", method: .post, headers: Self.auth, body: ByteBuffer(string: entry))
            #expect(response.status == .ok)
            try await client.post(try TestWeCom.fixture.text(from: "wangwu", "店里空调坏了", msgID: 90001))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").first?.contains("设施报修") == true })
        }
    }

    @Test("Imports persist across restarts, and the seed is not applied again")
    func persistence() async throws {
        let data = try TemporaryDirectory()
        let first = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: nil), engines: TestConfiguration.engines)
        try await first.test(.router) { client in
            try await waitForFirstCalibration(client)
            let body = #"{"id":"only-1","category":"logistics","question":"调拨单在哪查","answer":"ERP 调拨单查询"}"#
            _ = try await client.execute(
                uri: "/api/v1/knowledge/import?mode=replace", method: .post, headers: Self.auth, body: ByteBuffer(string: body))
        }
        let second = try await buildApplication(
            TestConfiguration.make(data: data.url, apiBase: nil), engines: TestConfiguration.engines)
        try await second.test(.router) { client in
            try await waitForFirstCalibration(client)
            let ids = try await exportedIDs(client)
            #expect(ids == ["only-1"])
        }
    }
}
