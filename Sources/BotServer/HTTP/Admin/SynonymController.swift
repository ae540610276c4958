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
        let id = try PathID.new(context)
        guard let body = try? await request.decode(as: SynonymBody.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"terms\": [\"canonical\", \"variant\", …]}")
        }
        if let refusal = Self.refusal(of: body.terms) {
            context.logger.warning("Knowledge change refused", metadata: ["group": "\(id)", "reason": "\(refusal)"])
            throw APIError(.badRequest, refusal)
        }
        try await editor.change(logger: context.logger) { try await $0.saveSynonyms(SynonymGroup(id: id, terms: body.terms)) }
        context.logger.info("Saved synonyms", metadata: ["group": "\(id)"])
        return try await list(request, context: context)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try PathID.decoded(context)
        try await editor.change(logger: context.logger) { try await $0.deleteSynonyms(id: id) }
        context.logger.info("Deleted synonyms", metadata: ["group": "\(id)"])
        return .noContent
    }

    /// What is wrong with a group's terms, as the document says it (every term text, each once), or nil.
    ///
    /// The store drops empty terms and needs two different ones; a blank or repeated term is refused
    /// here instead, naming it, since it is an admin's slip rather than something to drop quietly.
    static func refusal(of terms: [String]) -> String? {
        if let index = terms.firstIndex(where: \.isBlank) {
            return "term \(index + 1) is blank"
        }
        var seen = Set<String>()
        for term in terms where !seen.insert(term.trimmingCharacters(in: .whitespaces)).inserted {
            return "\"\(term)\" appears twice"
        }
        return nil
    }
}
