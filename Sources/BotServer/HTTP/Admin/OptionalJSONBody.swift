import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// A JSON body a route may go without (`{"move_to"}` to retire a category, `{"note"}` to dismiss a
/// question): none is nil, one it cannot read is 400. Read leniently, a body with a wrong field
/// would be taken as no body at all, and the action done without what the client asked for.
enum OptionalJSONBody {
    /// The body as `Body`, or nil when the request has none (or only white space).
    ///
    /// - Parameter shape: how the body should look, for the 400's message.
    static func decode<Body: Decodable>(
        _ type: Body.Type, from request: Request, context: some RequestContext, shape: String
    ) async throws -> Body? {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes")
        }
        if buffer.readableBytesView.allSatisfy({ [9, 10, 13, 32].contains($0) }) { return nil }
        do {
            return try JSONDecoder().decode(Body.self, from: buffer)
        } catch {
            context.logger.notice("Request refused: unreadable body", metadata: ["path": "\(request.uri.path)"])
            throw APIError(.badRequest, "the body must be \(shape)")
        }
    }
}
