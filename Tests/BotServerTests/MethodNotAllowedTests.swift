import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import Yams

@testable import BotServer

/// A known path asked with a method it does not take is 405 with `Allow`; an unknown path stays 404.
@Suite("405 with Allow for a known path and another method")
struct MethodNotAllowedTests {
    /// The server's own router (`buildRouter`) over an in-memory database, in process.
    private static func withRouter(
        _ test: @escaping @Sendable (_ routes: Set<String>, any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "MethodNotAllowedTests")
        logger.logLevel = .critical
        let pipeline = try await TestPipeline(database: try AppDatabase(writer: DatabaseQueue()), logger: logger)
        let router = pipeline.router(channel: .off(reason: "tests"), token: "test-admin-token")
        let routes = Set(router.routes.map { "\($0.method) \($0.path)" })
        try await Application(router: router, logger: logger).test(.router) { client in try await test(routes, client) }
    }

    private static let auth: HTTPFields = [.authorization: "Bearer test-admin-token"]

    @Test(
        "Another method on a known path is 405, Allow naming the path's methods",
        arguments: [
            ("TRACE", "/healthz", "GET"), ("DELETE", "/metrics", "GET"), ("PATCH", "/wecom/callback", "GET, POST"),
            ("DELETE", "/api/v1/tickets", "GET"), ("PUT", "/api/v1/tickets/1001/claim", "POST"),
            ("PATCH", "/api/v1/knowledge/order-001", "DELETE, GET, PUT"), ("GET", "/api/v1/categories/logistics", "PUT"),
            // A literal segment wins over a capture, as in the router: import is not a category id.
            ("PUT", "/api/v1/categories/import", "POST"), ("OPTIONS", "/api/v1/knowledge/export", "GET"),
        ])
    func methodNotAllowed(method: String, path: String, allow: String) async throws {
        try await Self.withRouter { _, client in
            let response = try await client.execute(
                uri: path, method: HTTPRequest.Method(rawValue: method)!, headers: Self.auth)
            #expect(response.status == .methodNotAllowed, "\(method) \(path)")
            #expect(response.headers[.allow] == allow, "\(method) \(path)")
            #expect((jsonObject(response)["error"] as? String)?.contains(method) == true)
        }
    }

    @Test("An unknown path is still 404, and a known path with its own method is answered by its route")
    func unknownPathsAndAllowedMethods() async throws {
        try await Self.withRouter { _, client in
            for path in ["/nope", "/api/v1/nope", "/api/v1/tickets/1001/claim/extra", "/healthz/extra"] {
                let response = try await client.execute(uri: path, method: .get, headers: Self.auth)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.allow] == nil, "\(path)")
            }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            // The route ran (its own 404 for a ticket that does not exist), not the 405.
            let claim = try await client.execute(
                uri: "/api/v1/tickets/4242/claim", method: .post, headers: Self.auth,
                body: ByteBuffer(string: #"{"agent": "hq_bob"}"#))
            #expect(claim.status == .notFound)
            #expect(claim.headers[.allow] == nil)
        }
    }

    @Test("The router's routes are exactly the OpenAPI document's operations, so Allow says what the document says")
    func routesMatchTheDocument() async throws {
        let text = try #require(DocumentationController<AppRequestContext>.document)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        let documented = Set(
            paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
        try await Self.withRouter { routed, _ in
            #expect(routed.subtracting(documented).isEmpty, "routes the document lacks: \(routed.subtracting(documented))")
            #expect(documented.subtracting(routed).isEmpty, "operations no route serves: \(documented.subtracting(routed))")
        }
    }
}
