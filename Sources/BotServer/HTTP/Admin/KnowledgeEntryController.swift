import Categories
import Foundation
import Hummingbird
import Logging

/// One knowledge entry at a time: read, create or update, delete, its revisions, roll back.
struct KnowledgeEntryController<Context: RequestContext> {
    let editor: KnowledgeEditor
    private var store: any KnowledgeStore { editor.store }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("knowledge", use: list)
        group.get("knowledge/:id", use: show)
        group.put("knowledge/:id", use: save)
        group.delete("knowledge/:id", use: delete)
        group.get("knowledge/:id/revisions", use: revisions)
        group.post("knowledge/:id/rollback", use: rollBack)
    }

    struct EntryList: ResponseEncodable {
        var entries: [KnowledgeEntry]
    }

    struct SavedEntry: ResponseEncodable {
        var entry: KnowledgeEntry
        var revision: Int
    }

    struct RevisionList: ResponseEncodable {
        var revisions: [KnowledgeRevision]
    }

    struct RollBackRequest: Decodable {
        var revision: Int
    }

    /// `GET /api/v1/knowledge?category=&status=`
    @Sendable func list(_ request: Request, context: Context) async throws -> EntryList {
        let query = request.uri.queryParameters
        var entries = try await store.knowledgeBase().entries
        if let category = query["category"] { entries = entries.filter { $0.category.rawValue == category } }
        if let status = try QueryChoice.value(
            "status", of: request, allowed: [KnowledgeEntry.Status.draft, .published], logger: context.logger)
        {
            entries = entries.filter { $0.status == status }
        }
        return EntryList(entries: entries)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> KnowledgeEntryResponse {
        let id = try entryID(context)
        guard let entry = try await store.knowledgeBase().entry(id) else {
            throw APIError(.notFound, "no entry \"\(id)\"")
        }
        return KnowledgeEntryResponse(entry: entry)
    }

    /// `PUT /api/v1/knowledge/{id}` with the entry as JSON; the id in the path wins.
    ///
    /// A blank question or answer is 400; a category no category has is 404, a retired one 409 (the
    /// store checks both again inside its transaction).
    @Sendable func save(_ request: Request, context: Context) async throws -> SavedEntry {
        let id = KnowledgeEntryID(rawValue: try PathID.new(context))
        var entry: KnowledgeEntry
        do {
            entry = try await request.decode(as: EntryBody.self, context: context).entry(id: id)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(
                .badRequest, "the body must be an entry: {\"category\", \"question\", \"similar\", \"answer\", \"status\"?}")
        }
        entry.id = id
        try await check(entry, logger: context.logger)
        let revision = try await editor.change(logger: context.logger) { try await $0.saveEntry(entry, author: "admin") }
        context.logger.info("Saved entry", metadata: ["entry": "\(id)", "revision": "\(revision)"])
        return SavedEntry(entry: entry, revision: revision)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try entryID(context)
        try await editor.change(logger: context.logger) { try await $0.deleteEntry(id, author: "admin") }
        context.logger.info("Deleted entry", metadata: ["entry": "\(id)"])
        return .noContent
    }

    @Sendable func revisions(_ request: Request, context: Context) async throws -> RevisionList {
        let id = try entryID(context)
        let revisions = try await store.revisions(of: id)
        guard !revisions.isEmpty else { throw APIError(.notFound, "no entry \"\(id)\"") }
        return RevisionList(revisions: revisions)
    }

    @Sendable func rollBack(_ request: Request, context: Context) async throws -> KnowledgeEntryResponse {
        let id = try entryID(context)
        guard let body = try? await request.decode(as: RollBackRequest.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"revision\": N}")
        }
        let entry = try await editor.change(logger: context.logger) {
            try await $0.rollBack(id, to: body.revision, author: "admin")
        }
        context.logger.info("Rolled back entry", metadata: ["entry": "\(id)", "to": "\(body.revision)"])
        return KnowledgeEntryResponse(entry: entry)
    }

    // MARK: - Helpers

    /// Refuses what the document refuses before the store sees it: blank text (the store's own test
    /// trims less), and a category that is missing (404) or retired (409) rather than a bad body.
    private func check(_ entry: KnowledgeEntry, logger: Logger) async throws {
        let refusal: APIError? =
            if entry.question.isBlank {
                APIError(.badRequest, "missing \"question\"")
            } else if entry.answer.isBlank {
                APIError(.badRequest, "missing \"answer\"")
            } else {
                switch try await store.knowledgeBase().category(entry.category) {
                case nil: APIError(.notFound, "no category \"\(entry.category)\"; GET /api/v1/categories lists them")
                case let category? where !category.isActive:
                    APIError(.conflict, "category \"\(entry.category)\" is retired and takes no entries")
                default: nil
                }
            }
        guard let refusal else { return }
        logger.warning("Knowledge change refused", metadata: ["entry": "\(entry.id)", "reason": "\(refusal.message)"])
        throw refusal
    }

    private func entryID(_ context: Context) throws -> KnowledgeEntryID {
        KnowledgeEntryID(rawValue: try PathID.decoded(context))
    }

    /// An entry as a request body: the id comes from the path.
    struct EntryBody: Decodable {
        var category: CategoryID
        var question: String
        var similar: [String]?
        var answer: String
        var status: KnowledgeEntry.Status?
        var regionAnswers: [String: String]?

        enum CodingKeys: String, CodingKey {
            case category, question, similar, answer, status
            case regionAnswers = "region_answers"
        }

        func entry(id: KnowledgeEntryID) -> KnowledgeEntry {
            KnowledgeEntry(
                id: id, category: category, question: question, similar: similar ?? [], answer: answer,
                status: status ?? .published, regionAnswers: regionAnswers ?? [:])
        }
    }
}

/// One entry as the API returns it.
struct KnowledgeEntryResponse: ResponseEncodable {
    var entry: KnowledgeEntry
}
