import HTTPTypes
import Hummingbird
import Logging

/// Lets a request through only with `Authorization: Bearer <admin token>`; otherwise 401.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.constantTimeEquals(String(header.dropFirst("Bearer ".count)), token)
        else {
            context.logger.warning(
                "Admin API refused: missing or wrong token", metadata: ["path": "\(request.uri.path)"])
            throw APIError(.unauthorized, "missing or wrong admin token (Authorization: Bearer <token>)")
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so response times do not reveal the token.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}
