import Foundation
import Hummingbird
import Logging
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI document of the HTTP interface, shipped as a resource.
struct DocumentationController<Context: RequestContext> {
    /// The document, read once; nil when the resource bundle was not installed beside the binary.
    static var document: String? {
        Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    func addRoutes(to router: Router<Context>) {
        let document = Self.document
        router.get("openapi.yaml") { _, context in
            guard let document else {
                context.logger.error("openapi.yaml is missing: install StoreDesk_BotServer.resources beside the binary")
                throw APIError(.notFound, "the OpenAPI document is not installed with this binary")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: document)))
        }
    }
}
