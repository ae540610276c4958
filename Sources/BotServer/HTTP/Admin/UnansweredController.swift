import Categories
import Escalation
import Foundation
import Hummingbird
import Logging

/// The review queue of questions the bot handed over: list them, add one to an entry as a phrasing
/// (so the bot answers it from now on), or dismiss it.
struct UnansweredController<Context: RequestContext> {
    let questions: any UnansweredQuestionStore
    let editor: KnowledgeEditor
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("unanswered", use: list)
        group.post("unanswered/:id/add-to-entry", use: addToEntry)
        group.post("unanswered/:id/dismiss", use: dismiss)
    }

    /// One question as the API shows it.
    struct QuestionBody: Encodable {
        var id: Int64
        var user: String
        var text: String
        var reasons: [String]
        var category: String?
        /// The closest entries when it was asked, best first.
        var candidates: [String]
        var confidence: Double
        var askedAt: Date
        var review: String
        var reviewedBy: String?
        var reviewedAt: Date?
        var entry: String?
        var note: String?
        /// The ticket the hand-over became, if any.
        var ticket: Int?

        init(_ question: UnansweredQuestion) {
            id = question.id ?? 0
            user = question.userID
            text = question.text
            reasons = question.reasons
            category = question.category
            candidates = question.candidateIDs.map(\.rawValue)
            confidence = question.bestScore
            askedAt = question.createdAt
            review = question.review.rawValue
            reviewedBy = question.reviewedBy
            reviewedAt = question.reviewedAt
            entry = question.reviewEntryID
            note = question.reviewNote
            ticket = question.ticketNumber
        }

        enum CodingKeys: String, CodingKey {
            case id, user, text, reasons, category, candidates, confidence, review, entry, note
            case askedAt = "asked_at"
            case reviewedBy = "reviewed_by"
            case reviewedAt = "reviewed_at"
        }
    }

    struct QuestionList: ResponseEncodable {
        var questions: [QuestionBody]
        /// How many questions are open, added to an entry, dismissed.
        var counts: [String: Int]
    }

    struct Reviewed: ResponseEncodable {
        var question: QuestionBody
        /// The entry the question now belongs to, and its new revision (add-to-entry only).
        var entry: KnowledgeEntry?
        var revision: Int?
    }

    struct AddToEntryRequest: Decodable {
        var entry: String
        var note: String?
    }

    struct DismissRequest: Decodable {
        var note: String?
    }

    /// The `review` filter of the list: one review state, or all.
    enum ReviewFilter: String, CaseIterable {
        case open
        case addedToEntry = "added_to_entry"
        case dismissed, all
    }

    /// `GET /api/v1/unanswered?review=open|added_to_entry|dismissed|all&category=&reason=&before=&limit=`
    @Sendable func list(_ request: Request, context: Context) async throws -> QuestionList {
        let query = request.uri.queryParameters
        var filter = UnansweredQuestionFilter()
        switch try QueryChoice.value("review", of: request, allowed: ReviewFilter.allCases, logger: context.logger) {
        case nil: break  // the filter's default: open
        case .all: filter.review = nil
        case let review?: filter.review = UnansweredQuestion.Review(rawValue: review.rawValue)
        }
        filter.category = query["category"].map(String.init)
        filter.reason = query["reason"].map(String.init)
        let page = try PageQuery(request)
        filter.before = page.before
        filter.limit = page.limit
        let counts = try await questions.reviewCounts()
        return QuestionList(
            questions: try await questions.questions(filter).map(QuestionBody.init),
            counts: Dictionary(uniqueKeysWithValues: UnansweredQuestion.Review.allCases.map { ($0.rawValue, counts[$0] ?? 0) }))
    }

    /// `POST /api/v1/unanswered/{id}/add-to-entry` with `{"entry": "id"}`: the question becomes one of
    /// the entry's similar phrasings (a new revision, live at once).
    @Sendable func addToEntry(_ request: Request, context: Context) async throws -> Reviewed {
        let question = try await openQuestion(context)
        guard let body = try? await request.decode(as: AddToEntryRequest.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"entry\": \"entry id\", \"note\": \"...\"?}")
        }
        let entryID = KnowledgeEntryID(rawValue: body.entry)
        guard try await editor.store.knowledgeBase().entry(entryID) != nil else {
            throw APIError(.notFound, "no entry \"\(entryID)\"")
        }
        // Claimed first, atomically, so that two admins cannot both act on it; released if the edit fails.
        let reviewed = try await claim(question, as: .addedToEntry, entry: entryID, note: body.note)
        do {
            let (entry, revision) = try await editor.change(logger: context.logger) { store in
                guard var entry = try await store.knowledgeBase().entry(entryID) else {
                    throw KnowledgeStoreError(.notFound, "no entry \"\(entryID)\"")
                }
                let text = question.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !entry.phrasings.contains(text) { entry.similar.append(text) }
                return (entry, try await store.saveEntry(entry, author: "admin"))
            }
            context.logger.info(
                "Unanswered question added to an entry",
                metadata: ["question": "\(question.id!)", "entry": "\(entryID)", "revision": "\(revision)"])
            return Reviewed(question: QuestionBody(reviewed), entry: entry, revision: revision)
        } catch {
            try? await questions.reopen(id: question.id!)
            throw error
        }
    }

    /// `POST /api/v1/unanswered/{id}/dismiss` with an optional `{"note": "..."}`.
    @Sendable func dismiss(_ request: Request, context: Context) async throws -> Reviewed {
        let question = try await openQuestion(context)
        let note = try await OptionalJSONBody.decode(
            DismissRequest.self, from: request, context: context, shape: #"{"note": "..."} or none"#)?.note
        let reviewed = try await claim(question, as: .dismissed, entry: nil, note: note)
        context.logger.info("Unanswered question dismissed", metadata: ["question": "\(question.id!)"])
        return Reviewed(question: QuestionBody(reviewed))
    }

    private func claim(
        _ question: UnansweredQuestion, as review: UnansweredQuestion.Review, entry: KnowledgeEntryID?, note: String?
    ) async throws -> UnansweredQuestion {
        do {
            return try await questions.review(
                id: question.id!, as: review, entry: entry, note: note, by: "admin", at: clock.now())
        } catch let error as KnowledgeStoreError {
            throw APIError(error)
        }
    }

    /// The question of the path, which must not have been reviewed yet.
    private func openQuestion(_ context: Context) async throws -> UnansweredQuestion {
        let raw = try context.parameters.require("id")
        guard let id = Int64(raw), let question = try await questions.question(id: id) else {
            throw APIError(.notFound, "no unanswered question \(raw)")
        }
        guard question.review == .open else {
            throw APIError(
                .conflict,
                "question \(id) was already reviewed (\(question.review.rawValue) by \(question.reviewedBy ?? "someone"))")
        }
        return question
    }
}
