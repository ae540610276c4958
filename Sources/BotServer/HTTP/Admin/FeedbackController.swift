import Foundation
import Hummingbird

/// `GET /api/v1/feedback`: the answers associates rated, so that admins can find the wrong ones
/// ("没用") and fix the knowledge base.
struct FeedbackController<Context: RequestContext> {
    let log: any QuestionLogStore

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("feedback", use: list)
    }

    struct RatedAnswer: Encodable {
        var id: Int64
        var user: String
        var text: String
        /// answer (the bot's own) or picked (from suggestions).
        var decision: String
        var category: String?
        var entry: String?
        var confidence: Double
        var helpful: Bool
        var askedAt: Date

        init(_ record: QuestionLogRecord) {
            id = record.id ?? 0
            user = record.userID
            text = record.text
            decision = record.decision
            category = record.category
            entry = record.entryID
            confidence = record.confidence
            helpful = record.helpful ?? false
            askedAt = record.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case id, user, text, decision, category, entry, confidence, helpful
            case askedAt = "asked_at"
        }
    }

    struct Listing: ResponseEncodable {
        var answers: [RatedAnswer]
        var counts: [String: Int]
    }

    /// The `helpful` filter of the list.
    enum Helpful: String, CaseIterable {
        case no, yes, all
    }

    /// `GET /api/v1/feedback?helpful=no|yes|all&before=&limit=` (default: the unhelpful ones).
    @Sendable func list(_ request: Request, context: Context) async throws -> Listing {
        let helpful: Bool? =
            switch try QueryChoice.value("helpful", of: request, allowed: Helpful.allCases, logger: context.logger) ?? .no {
            case .no: false
            case .yes: true
            case .all: nil
            }
        let page = try PageQuery(request)
        let counts = try await log.ratingCounts()
        return Listing(
            answers: try await log.ratedAnswers(helpful: helpful, before: page.before, limit: page.limit).map(RatedAnswer.init),
            counts: ["helpful": counts.helpful, "unhelpful": counts.unhelpful])
    }
}
