import Categories
import Foundation
import Hummingbird

/// `POST /api/v1/ask`: what the bot would decide and reply for this first message of a conversation,
/// hand-over rules included. A dry run: nothing is stored or sent.
struct AskController<Context: RequestContext> {
    let conversation: ConversationEngine
    let directory: DirectoryCache

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("ask", use: ask)
    }

    struct AskRequest: Decodable {
        var text: String
        var user: String?
    }

    struct AskResponse: ResponseEncodable {
        struct Candidate: Encodable {
            var id: String
            var question: String
            var score: Double
        }
        var decision: String
        var category: String?
        var top: [Candidate]
        var confidence: Double
        var reply: String
        var reasons: [String]
        /// The associate's store and region from the directory, when `user` was given and is known.
        var store: String?
        var region: String?
    }

    @Sendable func ask(_ request: Request, context: Context) async throws -> AskResponse {
        guard let body = try? await request.decode(as: AskRequest.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"text\": \"...\", \"user\": \"userid\"?}")
        }
        let understanding = conversation.knowledge.engine.understand(body.text)
        let place = if let user = body.user { await directory.place(of: user) } else { AssociatePlace?.none }
        return AskResponse(
            decision: understanding.decision.rawValue, category: understanding.category?.rawValue,
            top: understanding.candidates.map { .init(id: $0.entry.id.rawValue, question: $0.entry.question, score: $0.score) },
            confidence: understanding.confidence,
            reply: conversation.reply(to: understanding, text: body.text, region: place?.region),
            reasons: understanding.reasons, store: place?.store, region: place?.region)
    }
}
