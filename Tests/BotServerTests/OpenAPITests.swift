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
}
