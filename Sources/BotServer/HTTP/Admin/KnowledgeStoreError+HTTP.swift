import Categories
import HTTPTypes

extension APIError {
    /// The API's answer to a refused knowledge change: 400 invalid, 404 not found, 409 conflict.
    init(_ error: KnowledgeStoreError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .conflict: .conflict
            }
        self.init(status, error.message, line: error.line)
    }
}
