import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

@Suite("Admin API: editing entries and categories")
struct KnowledgeEditingTests {
    static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]

    private func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: Self.auth, body: body.map { ByteBuffer(string: $0) })
    }

    @Test("Create, update, read, list by category, delete; every change is a revision with its author")
    func lifecycle() async throws {
        try await withRouterServer { client in
            let created = try await call(
                client, .put, "/api/v1/knowledge/system-200",
                #"{"category":"system","question":"电子秤怎么校准","similar":["秤不准了","电子秤称重不对"],"answer":"长按归零键 3 秒。"}"#)
            #expect(created.status == .ok)
            #expect(jsonObject(created)["revision"] as? Int == 1)
            let updated = try await call(
                client, .put, "/api/v1/knowledge/system-200",
                #"{"category":"system","question":"电子秤怎么校准","similar":["秤不准了"],"answer":"长按归零键 5 秒。"}"#)
            #expect(jsonObject(updated)["revision"] as? Int == 2)
            let shown = jsonObject(try await call(client, .get, "/api/v1/knowledge/system-200"))
            #expect((shown["entry"] as? [String: Any])?["answer"] as? String == "长按归零键 5 秒。")
            let listed = jsonObject(try await call(client, .get, "/api/v1/knowledge?category=system"))
            #expect((listed["entries"] as? [Any])?.count == 13)
            #expect(try await call(client, .delete, "/api/v1/knowledge/system-200").status == .noContent)
            #expect(try await call(client, .get, "/api/v1/knowledge/system-200").status == .notFound)
            let history = jsonObject(try await call(client, .get, "/api/v1/knowledge/system-200/revisions"))
            let changes = (history["revisions"] as? [[String: Any]])?.map { $0["change"] as? String }
            #expect(changes == ["created", "updated", "deleted"])
            #expect((history["revisions"] as? [[String: Any]])?.allSatisfy { $0["author"] as? String == "admin" } == true)
        }
    }

    @Test("Roll back restores an earlier revision as a new one, also after a deletion")
    func rollBack() async throws {
        try await withRouterServer { client in
            _ = try await call(
                client, .put, "/api/v1/knowledge/logistics-001",
                #"{"category":"logistics","question":"调拨单在哪查","answer":"写错的答案"}"#)
            let restored = try await call(client, .post, "/api/v1/knowledge/logistics-001/rollback", #"{"revision":1}"#)
            #expect(restored.status == .ok)
            let entry = jsonObject(restored)["entry"] as? [String: Any]
            #expect((entry?["answer"] as? String)?.contains("调拨单查询") == true)
            #expect((entry?["similar"] as? [String])?.count == 5)
            _ = try await call(client, .delete, "/api/v1/knowledge/logistics-001")
            #expect(try await call(client, .post, "/api/v1/knowledge/logistics-001/rollback", #"{"revision":3}"#).status == .ok)
            #expect(try await call(client, .get, "/api/v1/knowledge/logistics-001").status == .ok)
            let missing = try await call(client, .post, "/api/v1/knowledge/logistics-001/rollback", #"{"revision":99}"#)
            #expect(missing.status == .notFound)
        }
    }

    @Test("Bad bodies are clear 400s; an unknown category is a clear 404")
    func badBodies() async throws {
        try await withRouterServer { client in
            let noAnswer = try await call(client, .put, "/api/v1/knowledge/x-1", #"{"category":"system","question":"q"}"#)
            #expect(noAnswer.status == .badRequest)
            let unknown = try await call(
                client, .put, "/api/v1/knowledge/x-1", #"{"category":"nope","question":"q","answer":"a"}"#)
            #expect(unknown.status == .notFound)
            #expect((jsonObject(unknown)["error"] as? String)?.contains("nope") == true)
        }
    }

    @Test("Categories: add, rename, and retire only by moving the entries somewhere, never orphaning them")
    func categories() async throws {
        try await withRouterServer { client in
            let added = try await call(client, .put, "/api/v1/categories/hr", #"{"name":"人事问题","keywords":["请假","工资"]}"#)
            #expect(added.status == .ok)
            let renamed = try await call(client, .put, "/api/v1/categories/operations", #"{"name":"门店营运"}"#)
            #expect((jsonObject(renamed)["category"] as? [String: Any])?["name"] as? String == "门店营运")
            let refused = try await call(client, .post, "/api/v1/categories/operations/retire")
            #expect(refused.status == .conflict)
            #expect((jsonObject(refused)["error"] as? String)?.contains("12 entries") == true)
            let retired = try await call(client, .post, "/api/v1/categories/operations/retire", #"{"move_to":"hr"}"#)
            #expect(retired.status == .ok)
            #expect((jsonObject(retired)["category"] as? [String: Any])?["retired_at"] != nil)
            let moved = jsonObject(try await call(client, .get, "/api/v1/knowledge?category=hr"))
            #expect((moved["entries"] as? [Any])?.count == 12)
            let history = jsonObject(try await call(client, .get, "/api/v1/knowledge/operations-001/revisions"))
            #expect((history["revisions"] as? [[String: Any]])?.last?["change"] as? String == "updated")
            let intoRetired = try await call(
                client, .put, "/api/v1/knowledge/x-2", #"{"category":"operations","question":"q","answer":"a"}"#)
            #expect(intoRetired.status == .conflict)
        }
    }
}

extension KnowledgeEditingTests {
    @Test("Synonyms are seeded, editable, and change matching at once")
    func synonyms() async throws {
        try await withRouterServer { client in
            let seeded = jsonObject(try await call(client, .get, "/api/v1/synonyms"))
            #expect((seeded["synonyms"] as? [[String: Any]])?.contains { $0["id"] as? String == "receipt" } == true)
            let saved = try await call(client, .put, "/api/v1/synonyms/transfer", #"{"terms":["调拨","调货","挪货"]}"#)
            #expect(saved.status == .ok)
            let asked = jsonObject(try await call(client, .post, "/api/v1/ask", #"{"text":"挪货单在哪查"}"#))
            #expect(((asked["top"] as? [[String: Any]])?.first?["id"] as? String) == "logistics-001")
            #expect(try await call(client, .put, "/api/v1/synonyms/x", #"{"terms":["一个"]}"#).status == .badRequest)
            #expect(try await call(client, .delete, "/api/v1/synonyms/transfer").status == .noContent)
            #expect(try await call(client, .delete, "/api/v1/synonyms/transfer").status == .notFound)
        }
    }
}
