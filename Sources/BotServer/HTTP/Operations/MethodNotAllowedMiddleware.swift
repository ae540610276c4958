import HTTPTypes
import Hummingbird
import Logging

/// Answers `405 Method Not Allowed` with an `Allow` header for a path the router knows asked with a
/// method it does not take (`TRACE /healthz`, `DELETE /api/v1/tickets`); any other request goes on.
///
/// Hummingbird 2's router answers 404 both for a path it does not know and for a known path with
/// another method, and HTTP (RFC 9110, 15.5.6) wants 405 and the allowed methods for the second.
/// Added to the router after every route, it wraps only the router's "no such route" answer, so
/// matched requests never pay for it:
///
/// ```swift
/// router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ($0.path, $0.method) }))
/// ```
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One route path and the methods it takes.
    private struct Endpoint {
        var path: RouterPath
        var methods: Set<HTTPRequest.Method>
    }

    private let endpoints: [Endpoint]

    /// - Parameter routes: every route of the router, such as `router.routes.map { ($0.path, $0.method) }`.
    init(routes: [(path: RouterPath, method: HTTPRequest.Method)]) {
        var endpoints: [Endpoint] = []
        for (path, method) in routes {
            if let index = endpoints.firstIndex(where: { $0.path == path }) {
                endpoints[index].methods.insert(method)
            } else {
                endpoints.append(Endpoint(path: path, methods: [method]))
            }
        }
        self.endpoints = endpoints
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let allowed = allowedMethods(forPath: request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        // Debug, not notice: scanners try every method on every path, and each try would be a line.
        context.logger.debug(
            "Method not allowed", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "allow": "\(allow)"])
        var response = try APIError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allow)")
            .response(from: request, context: context)
        response.headers[.allow] = allow
        return response
    }

    /// The methods of the route the router resolves `path` to, or nil when it knows no such path.
    ///
    /// The router prefers a literal segment to a capture at each step (`categories/import` over
    /// `categories/{id}`), so among the routes that match, the one with literals earliest wins.
    func allowedMethods(forPath path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (rank: [Bool], methods: Set<HTTPRequest.Method>)?
        for endpoint in endpoints {
            guard let rank = Self.match(endpoint.path, segments) else { continue }
            if let current = best, rank == current.rank {
                best?.methods.formUnion(endpoint.methods)
            } else if best.map({ Self.isPreferred(rank, over: $0.rank) }) ?? true {
                best = (rank, endpoint.methods)
            }
        }
        return best?.methods
    }

    /// Whether the first segment where the two differ is a literal in `rank` (a capture in `other`).
    private static func isPreferred(_ rank: [Bool], over other: [Bool]) -> Bool {
        rank.lexicographicallyPrecedes(other) { $0 && !$1 }
    }

    /// Whether `path` matches `segments`, and for each segment whether it matched a literal.
    private static func match(_ path: RouterPath, _ segments: [Substring]) -> [Bool]? {
        let components = path.components
        guard components.count == segments.count else { return nil }
        var literal: [Bool] = []
        for (component, segment) in zip(components, segments) {
            guard component ~= segment else { return nil }
            literal.append(component == segment)
        }
        return literal
    }
}
