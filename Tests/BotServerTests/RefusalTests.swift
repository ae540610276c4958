import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import BotServer

/// What the OpenAPI document forbids, the server refuses, with a clear status and a log line: 400 for
/// an unknown query value or an empty import, 404 for a thing that does not exist, 409 for a state
/// that does not allow the change. Found by schemathesis (scripts/api-fuzz.sh).
@Suite("Refusals the OpenAPI document promises")
struct RefusalTests {
    private static let auth: HTTPFields = [.authorization: "Bearer test-admin-token", .contentType: "application/json"]

    /// The whole application in process over a fresh data folder, logging into `capture`.
    private static func withServer(
        _ test: @escaping @Sendable (any TestClientProtocol, URL, LogCapture) async throws -> Void
    ) async throws {
        let data = try TemporaryDirectory()
        let capture = LogCapture()
        var configuration = try TestConfiguration.make(data: data.url, apiBase: nil)
        configuration.logLevel = .notice  // refusals are logged at notice
        let app = try await buildApplication(configuration, engines: TestConfiguration.engines, logger: capture.logger())
        let url = data.url
        try await app.test(.router) { client in
            try await waitForFirstCalibration(client)
            try await test(client, url, capture)
        }
    }

    private static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil,
        headers: HTTPFields = auth
    ) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    private static func error(_ response: TestResponse) -> String {
        (jsonObject(response)["error"] as? String) ?? ""
    }

    @Test(
        "An unknown value of a query parameter with fixed values is 400 naming the allowed ones, never \"no filter\"",
        arguments: [
            ("/api/v1/knowledge?status=AAA", "draft, published"), ("/api/v1/knowledge/export?format=xlsx", "csv"),
            ("/api/v1/knowledge/export?format=", "csv"), ("/api/v1/tickets?status=open,", "open, assigned"),
            ("/api/v1/tickets?status=open,,closed", "open, assigned"), ("/api/v1/tickets?status=garbage", "open, assigned"),
            ("/api/v1/tickets?breaching=later", "soon, now"), ("/api/v1/feedback?helpful=maybe", "no, yes, all"),
            ("/api/v1/unanswered?review=pending", "open, added_to_entry, dismissed, all"),
        ])
    func unknownQueryValues(uri: String, allowed: String) async throws {
        try await Self.withServer { client, _, capture in
            let response = try await Self.call(client, .get, uri)
            #expect(response.status == .badRequest, "\(uri)")
            #expect(Self.error(response).contains(allowed), "\(uri): \(Self.error(response))")
            #expect(capture.text.contains("refused"), "\(uri): no log line")
        }
    }

    @Test("The known values still filter: status, format, several statuses and an empty status (every one)")
    func knownQueryValues() async throws {
        try await Self.withServer { client, _, _ in
            let drafts = try await Self.call(client, .get, "/api/v1/knowledge?status=draft")
            #expect(drafts.status == .ok)
            #expect((jsonObject(drafts)["entries"] as? [Any])?.isEmpty == true)
            let published = try await Self.call(client, .get, "/api/v1/knowledge?status=published")
            #expect((jsonObject(published)["entries"] as? [Any])?.count == TestConfiguration.seedEntries.count)
            let csv = try await Self.call(client, .get, "/api/v1/knowledge/export?format=csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            for uri in ["/api/v1/tickets?status=open,resolved", "/api/v1/tickets?status=", "/api/v1/feedback?helpful=all"] {
                #expect(try await Self.call(client, .get, uri).status == .ok, "\(uri)")
            }
        }
    }

    @Test("An empty import is 400 in either mode and changes nothing (replace would otherwise empty the knowledge base)")
    func emptyImports() async throws {
        try await Self.withServer { client, data, capture in
            for route in ["categories", "knowledge"] {
                for mode in ["merge", "replace"] {
                    for (body, type) in [("", "application/x-ndjson"), (" \n\r\n", "application/x-ndjson"), ("", "text/csv")] {
                        let response = try await Self.call(
                            client, .post, "/api/v1/\(route)/import?mode=\(mode)", body,
                            headers: [.authorization: "Bearer test-admin-token", .contentType: type])
                        #expect(response.status == .badRequest, "\(route) \(mode) \(type) \(body.debugDescription)")
                        #expect(Self.error(response).contains("empty"))
                    }
                }
            }
            #expect(capture.text.contains("Import refused"))
            let entries = databaseValue(data, "SELECT COUNT(*) FROM knowledge_entry", as: Int.self)
            #expect(entries == TestConfiguration.seedEntries.count)
        }
    }

    @Test("A ticket action on a ticket that does not exist is 404, whoever the agent and whatever the body")
    func actionOnMissingTicket() async throws {
        try await Self.withServer { client, _, capture in
            for (action, body) in [
                ("claim", #"{"agent": "nobody"}"#), ("reply", #"{"agent": "", "text": ""}"#), ("note", "not json"),
                ("reopen", #"{"agent": "hq_bob"}"#),
            ] {
                let response = try await Self.call(client, .post, "/api/v1/tickets/4242/\(action)", body)
                #expect(response.status == .notFound, "\(action)")
                #expect(Self.error(response) == "no ticket #4242", "\(action): \(Self.error(response))")
            }
            #expect(capture.text.contains("Ticket action refused"))
            // A number that is no ticket number at all is still a bad request.
            #expect(try await Self.call(client, .post, "/api/v1/tickets/x/claim", #"{"agent": "hq_bob"}"#).status == .badRequest)
        }
    }

    @Test("Retiring with a move_to no category has is 404, to itself 409, with a body that is not {move_to} 400")
    func retireRefusals() async throws {
        try await Self.withServer { client, data, _ in
            let missing = try await Self.call(client, .post, "/api/v1/categories/logistics/retire", #"{"move_to": "nope"}"#)
            #expect(missing.status == .notFound)
            #expect(Self.error(missing).contains("nope"))
            let itself = try await Self.call(client, .post, "/api/v1/categories/logistics/retire", #"{"move_to": "logistics"}"#)
            #expect(itself.status == .conflict)
            let unreadable = try await Self.call(client, .post, "/api/v1/categories/logistics/retire", #"{"move_to": 5}"#)
            #expect(unreadable.status == .badRequest)
            let stillHas = try await Self.call(client, .post, "/api/v1/categories/logistics/retire")
            #expect(stillHas.status == .conflict)
            #expect(
                databaseValue(data, "SELECT COUNT(*) FROM category WHERE retired_at IS NOT NULL", as: Int.self) == 0,
                "a refused retirement retired a category")
            let moved = try await Self.call(client, .post, "/api/v1/categories/logistics/retire", #"{"move_to": "order"}"#)
            #expect(moved.status == .ok)
            let retired = try await Self.call(client, .post, "/api/v1/categories/order/retire", #"{"move_to": "logistics"}"#)
            #expect(retired.status == .conflict, "moved to a retired category")
        }
    }

    @Test("An entry in a category that does not exist is 404, in a retired one 409; blank text is 400")
    func entryRefusals() async throws {
        try await Self.withServer { client, data, _ in
            func put(_ body: String) async throws -> TestResponse {
                try await Self.call(client, .put, "/api/v1/knowledge/fuzz-1", body)
            }
            #expect(try await put(#"{"category": "nope", "question": "q", "answer": "a"}"#).status == .notFound)
            #expect(try await put(#"{"category": "order", "question": "\n\t", "answer": "a"}"#).status == .badRequest)
            #expect(try await put(#"{"category": "order", "question": "q", "answer": "\u001c "}"#).status == .badRequest)
            #expect(try await put(#"{"category": "order", "question": "q", "answer": "a", "similar": null}"#).status == .ok)
            let empty = try await Self.call(client, .put, "/api/v1/categories/spare", #"{"name": "备用"}"#)
            #expect(empty.status == .ok)
            #expect(try await Self.call(client, .post, "/api/v1/categories/spare/retire").status == .ok)
            #expect(try await put(#"{"category": "spare", "question": "q", "answer": "a"}"#).status == .conflict)
            #expect(databaseValue(data, "SELECT category FROM knowledge_entry WHERE id = 'fuzz-1'", as: String.self) == "order")
        }
    }

    @Test("A blank category name and a blank or repeated synonym are 400; null stands for an absent optional field")
    func blankNamesAndTerms() async throws {
        try await Self.withServer { client, data, _ in
            #expect(try await Self.call(client, .put, "/api/v1/categories/spare", #"{"name": "\n"}"#).status == .badRequest)
            let nulls = #"{"name": "备用", "description": null, "keywords": null, "team": null}"#
            #expect(try await Self.call(client, .put, "/api/v1/categories/spare", nulls).status == .ok)
            for terms in [#"["小票", "小票"]"#, #"["小票", "小票 "]"#, #"["小票", "\n"]"#, #"["", "", ""]"#] {
                let response = try await Self.call(client, .put, "/api/v1/synonyms/fuzz-terms", #"{"terms": \#(terms)}"#)
                #expect(response.status == .badRequest, "\(terms)")
            }
            #expect(databaseValue(data, "SELECT COUNT(*) FROM synonym_group WHERE id = 'fuzz-terms'", as: Int.self) == 0)
            let saved = try await Self.call(client, .put, "/api/v1/synonyms/fuzz-terms", #"{"terms": ["小票", "收银条"]}"#)
            #expect(saved.status == .ok)
        }
    }

    @Test("An id in the path is the text it percent-encodes; a blank one is 400 where it would name something new")
    func pathIDs() async throws {
        try await Self.withServer { client, data, _ in
            let added = try await Self.call(client, .put, "/api/v1/categories/%E4%BA%BA%E4%BA%8B", #"{"name": "人事"}"#)
            #expect(added.status == .ok)
            #expect((jsonObject(added)["category"] as? [String: Any])?["id"] as? String == "人事")
            #expect(databaseValue(data, "SELECT COUNT(*) FROM category WHERE id = '人事'", as: Int.self) == 1)
            #expect(try await Self.call(client, .get, "/api/v1/knowledge/order%2D001").status == .ok)
            #expect(try await Self.call(client, .get, "/api/v1/knowledge/order%ZZ").status == .badRequest)
            #expect(try await Self.call(client, .put, "/api/v1/categories/%20", #"{"name": "空"}"#).status == .badRequest)
            let terms = #"{"terms": ["小票", "收银条"]}"#
            #expect(try await Self.call(client, .put, "/api/v1/synonyms/%0B", terms).status == .badRequest)
            #expect(try await Self.call(client, .delete, "/api/v1/synonyms/%0B").status == .notFound)
        }
    }

    @Test("White space is what Python's \\s matches: Unicode White_Space and U+001C to U+001F, no more")
    func blank() {
        for text in ["", " ", "\n\t\r", "\u{3000}", "\u{1C}\u{1F}", "\u{85}\u{A0}\u{2028}"] {
            #expect(text.isBlank, "\(text.debugDescription)")
        }
        for text in ["a", " a ", "\u{FEFF}", "\u{200B}", "。"] {
            #expect(!text.isBlank, "\(text.debugDescription)")
        }
    }
}
