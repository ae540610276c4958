import Hummingbird
import Logging

/// A query parameter that takes one of a few fixed values (`?status=draft`, `?format=csv`): an
/// unknown value is refused with 400 naming the ones allowed, and a log line, instead of being read
/// as "no filter".
enum QueryChoice {
    /// The value of `name` in the request's query, nil when absent.
    ///
    /// - Parameter allowed: every value the parameter takes, in the order the error lists them.
    static func value<Value: RawRepresentable>(
        _ name: String, of request: Request, allowed: [Value], logger: Logger
    ) throws -> Value? where Value.RawValue == String {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        if let value = allowed.first(where: { $0.rawValue == text }) { return value }
        let known = allowed.map(\.rawValue).joined(separator: ", ")
        logger.notice(
            "Request refused: unknown query value",
            metadata: ["path": "\(request.uri.path)", "parameter": "\(name)", "value": "\(text.prefix(40))"])
        throw APIError(.badRequest, "\(name) must be one of \(known), not \"\(text.prefix(40))\"")
    }
}
