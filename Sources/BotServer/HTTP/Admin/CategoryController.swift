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
        let id = CategoryID(rawValue: try context.parameters.require("id"))
        guard let body = try? await request.decode(as: CategoryBody.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"name\", \"description\"?, \"keywords\"?, \"team\"?}")
        }
        let category = Category(
            id: id, name: body.name, description: body.description ?? "", keywords: body.keywords ?? [], team: body.team)
        try await editor.change(logger: context.logger) { try await $0.saveCategory(category) }
        context.logger.info("Saved category", metadata: ["category": "\(id)"])
        return CategoryResponse(category: try await store.knowledgeBase().category(id) ?? category)
    }

    /// `POST /api/v1/categories/{id}/retire` with `{"move_to": "other"}` when it still has entries.
    @Sendable func retire(_ request: Request, context: Context) async throws -> CategoryResponse {
        let id = CategoryID(rawValue: try context.parameters.require("id"))
        let body = (try? await request.decode(as: RetireRequest.self, context: context)) ?? RetireRequest()
        try await editor.change(logger: context.logger) {
            try await $0.retireCategory(id, moveTo: body.moveTo, author: "admin")
        }
        context.logger.info("Retired category", metadata: ["category": "\(id)", "moveTo": "\(body.moveTo?.rawValue ?? "-")"])
        guard let category = try await store.knowledgeBase().category(id) else {
            throw APIError(.notFound, "no category \"\(id)\"")
        }
        return CategoryResponse(category: category)
    }
}
