import Foundation
import Hummingbird

/// The `{id}` of an admin route as the client wrote it before percent-encoding: Hummingbird hands
/// path captures on still encoded, so `PUT /api/v1/categories/%E4%BA%BA` would otherwise make a
/// category called `%E4%BA%BA` that no import, export or message would ever name.
enum PathID {
    /// The decoded id; 400 when it is not valid percent-encoded UTF-8.
    static func decoded(_ context: some RequestContext, name: String = "id") throws -> String {
        let raw = try context.parameters.require(name)
        guard let id = raw.removingPercentEncoding else {
            throw APIError(.badRequest, "the \(name) in the path is not valid percent-encoded UTF-8")
        }
        return id
    }

    /// The decoded id of a route that creates what it names: a blank id (which the OpenAPI document's
    /// `pattern: "\\S"` forbids) is 400.
    static func new(_ context: some RequestContext, name: String = "id") throws -> String {
        let id = try decoded(context, name: name)
        guard !id.isBlank else { throw APIError(.badRequest, "missing \"\(name)\": the path names no \(name)") }
        return id
    }
}
