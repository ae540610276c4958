import Categories
import Foundation
import Hummingbird
import Logging

/// Categories: list, create or rename, retire.
struct CategoryController<Context: RequestContext> {
    let editor: KnowledgeEditor
    private var store: any KnowledgeStore { editor.store }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("categories", use: list)
        group.put("categories/:id", use: save)
        group.post("categories/:id/retire", use: retire)
    }

    struct CategoryList: ResponseEncodable {
        var categories: [Category]
    }

    struct CategoryBody: Decodable {
        var name: String
        var description: String?
        var keywords: [String]?
        var team: String?
    }

    struct RetireRequest: Decodable {
        var moveTo: CategoryID?
        enum CodingKeys: String, CodingKey { case moveTo = "move_to" }
    }

    struct CategoryResponse: ResponseEncodable {
        var category: Category
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> CategoryList {
        CategoryList(categories: try await store.knowledgeBase().categories)
    }

    /// `PUT /api/v1/categories/{id}`: creates the category, or renames and re-describes it.
    @Sendable func save(_ request: Request, context: Context) async throws -> CategoryResponse {
        let id = CategoryID(rawValue: try PathID.new(context))
        guard let body = try? await request.decode(as: CategoryBody.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"name\", \"description\"?, \"keywords\"?, \"team\"?}")
        }
        if body.name.isBlank {
            // The store trims spaces only; a name of line breaks is no name either.
            context.logger.warning("Knowledge change refused", metadata: ["category": "\(id)", "reason": "blank name"])
            throw APIError(.badRequest, "missing \"name\"")
        }
        let category = Category(
            id: id, name: body.name, description: body.description ?? "", keywords: body.keywords ?? [], team: body.team)
        try await editor.change(logger: context.logger) { try await $0.saveCategory(category) }
        context.logger.info("Saved category", metadata: ["category": "\(id)"])
        return CategoryResponse(category: try await store.knowledgeBase().category(id) ?? category)
    }

    /// `POST /api/v1/categories/{id}/retire` with `{"move_to": "other"}` when it still has entries.
    ///
    /// 404 when no category has the id, or (while it has entries) none has `move_to`; 409 when it has
    /// entries and no `move_to`, or `move_to` is itself or retired.
    @Sendable func retire(_ request: Request, context: Context) async throws -> CategoryResponse {
        let id = CategoryID(rawValue: try PathID.decoded(context))
        let body =
            try await OptionalJSONBody.decode(
                RetireRequest.self, from: request, context: context, shape: #"{"move_to": "category id"} or none"#)
            ?? RetireRequest()
        if let moveTo = body.moveTo, let refusal = try await moveRefusal(id, to: moveTo) {
            context.logger.warning("Knowledge change refused", metadata: ["category": "\(id)", "reason": "\(refusal.message)"])
            throw refusal
        }
        try await editor.change(logger: context.logger) {
            try await $0.retireCategory(id, moveTo: body.moveTo, author: "admin")
        }
        context.logger.info("Retired category", metadata: ["category": "\(id)", "moveTo": "\(body.moveTo?.rawValue ?? "-")"])
        guard let category = try await store.knowledgeBase().category(id) else {
            throw APIError(.notFound, "no category \"\(id)\"")
        }
        return CategoryResponse(category: category)
    }

    /// Why the entries of `id` cannot move to `moveTo`: the store says 400 for both a missing and an
    /// unusable target, and the API tells them apart (it checks again inside its transaction).
    private func moveRefusal(_ id: CategoryID, to moveTo: CategoryID) async throws -> APIError? {
        let knowledgeBase = try await store.knowledgeBase()
        guard knowledgeBase.category(id) != nil, knowledgeBase.entries.contains(where: { $0.category == id }) else {
            return nil  // nothing moves: the store answers for the category itself
        }
        guard let target = knowledgeBase.category(moveTo) else {
            return APIError(.notFound, "move_to: no category \"\(moveTo)\"; GET /api/v1/categories lists them")
        }
        guard target.id != id, target.isActive else {
            return APIError(.conflict, "move_to \"\(moveTo)\" is not an active category other than \"\(id)\"")
        }
        return nil
    }
}
