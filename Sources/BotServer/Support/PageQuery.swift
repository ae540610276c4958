import Hummingbird

/// The paging of an admin list: `before` (an id from the previous page, newest first) and `limit`.
struct PageQuery {
    var before: Int64?
    var limit: Int

    init(_ request: Request, defaultLimit: Int = 50) throws {
        let query = request.uri.queryParameters
        before = try query["before"].map { value in
            guard let id = Int64(value) else { throw APIError(.badRequest, "before must be an id from the list") }
            return id
        }
        limit =
            try query["limit"].map { value in
                guard let limit = Int(value), (1...500).contains(limit) else {
                    throw APIError(.badRequest, "limit must be a number from 1 to 500")
                }
                return limit
            } ?? defaultLimit
    }
}
