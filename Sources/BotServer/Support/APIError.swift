import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error that reaches the client as `{"error": "<message>"}` with its own status.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var line: Int?

    init(_ status: HTTPResponse.Status, _ message: String, line: Int? = nil) {
        self.status = status
        self.message = message
        self.line = line
    }

    private struct Body: Encodable {
        var error: String
        var line: Int?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: message, line: line))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
