import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import BotServer

@Suite("The OpenAPI document")
struct OpenAPITests {
    @Test("Is served, and every operation it lists exists on the server")
    func operationsExist() async throws {
        try await withRouterServer { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            let document = try #require(try Yams.load(yaml: String(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 15)
            for (path, operations) in paths {
                let uri = path.replacingOccurrences(of: "{id}", with: "order-001").replacingOccurrences(
                    of: "{number}", with: "1001")
                for method in operations.keys where ["get", "post", "put", "delete"].contains(method) {
                    let answer = try await client.execute(
                        uri: uri, method: HTTPRequest.Method(rawValue: method.uppercased())!,
                        headers: [.authorization: "Bearer test-admin-token"])
                    // Any answer but the router's "no such route" 404 (a JSON error body means the route ran).
                    let routed = answer.status != .notFound || String(buffer: answer.body).contains("\"error\"")
                    #expect(routed, "\(method.uppercased()) \(path)")
                }
            }
        }
    }

    @Test("Every $ref resolves; the ticket actions take an Idempotency-Key and say when a retry did nothing again")
    func idempotencyDocumented() throws {
        let text = try #require(DocumentationController<AppRequestContext>.document)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        func resolve(_ reference: String) -> Any? {
            reference.dropFirst(2).split(separator: "/").reduce(document as Any?) { node, part in
                (node as? [String: Any])?[String(part)]
            }
        }
        func references(in node: Any) -> [String] {
            if let object = node as? [String: Any] {
                return (object["$ref"] as? String).map { [$0] } ?? object.values.flatMap(references)
            }
            return (node as? [Any])?.flatMap(references) ?? []
        }
        for reference in references(in: document) {
            #expect(resolve(reference) != nil, "\(reference)")
        }
        let key = try #require(resolve("#/components/parameters/IdempotencyKey") as? [String: Any])
        #expect(key["name"] as? String == "Idempotency-Key")
        #expect(key["in"] as? String == "header")
        let acted = try #require(resolve("#/components/responses/TicketActed") as? [String: Any])
        #expect((acted["headers"] as? [String: Any])?["Idempotent-Replayed"] != nil)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for action in ["claim", "reply", "note", "resolve", "reassign"] {
            let path = try #require(paths["/api/v1/tickets/{number}/\(action)"])
            #expect(references(in: path["parameters"] ?? []).contains("#/components/parameters/IdempotencyKey"), "\(action)")
            let responses = try #require((path["post"] as? [String: Any])?["responses"] as? [String: Any])
            #expect(references(in: responses["200"] ?? [:]) == ["#/components/responses/TicketActed"], "\(action)")
            #expect(responses["422"] != nil, "\(action)")
        }
    }
}
