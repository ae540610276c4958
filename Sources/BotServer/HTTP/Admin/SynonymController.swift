import Categories
import Foundation
import Hummingbird
import Logging

/// Synonyms admins curate (小票 / 收银条 …): list, create or replace a group, delete one.
struct SynonymController<Context: RequestContext> {
    let editor: KnowledgeEditor

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("synonyms", use: list)
        group.put("synonyms/:id", use: save)
        group.delete("synonyms/:id", use: delete)
    }

    struct SynonymList: ResponseEncodable {
        var synonyms: [SynonymGroup]
    }

    struct SynonymBody: Decodable {
        var terms: [String]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> SynonymList {
        SynonymList(synonyms: try await editor.store.knowledgeBase().synonyms)
    }

    /// `PUT /api/v1/synonyms/{id}` with `{"terms": ["小票", "收银条", …]}`; the first term is the one the others read as.
    @Sendable func save(_ request: Request, context: Context) async throws -> SynonymList {
        let id = try context.parameters.require("id")
        guard let body = try? await request.decode(as: SynonymBody.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"terms\": [\"canonical\", \"variant\", …]}")
        }
        try await editor.change(logger: context.logger) { try await $0.saveSynonyms(SynonymGroup(id: id, terms: body.terms)) }
        context.logger.info("Saved synonyms", metadata: ["group": "\(id)"])
        return try await list(request, context: context)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id")
        try await editor.change(logger: context.logger) { try await $0.deleteSynonyms(id: id) }
        context.logger.info("Deleted synonyms", metadata: ["group": "\(id)"])
        return .noContent
    }
}
