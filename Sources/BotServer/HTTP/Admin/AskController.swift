import Categories
import Escalation
import Foundation
import Hummingbird

/// `POST /api/v1/ask`: what the bot would decide and reply for this first message of a conversation,
/// hand-over rules included. A dry run: nothing is stored or sent.
struct AskController<Context: RequestContext> {
    let knowledge: LiveKnowledge
    let reducer: ConversationReducer
    let directory: DirectoryCache
    let clock: any WallClock

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
        /// Which calibration decided: calibrated, provisional (just after an edit) or conservative (just
        /// after a large change: suggestions, no answers, until the new calibration lands).
        var calibration: String

        enum CodingKeys: String, CodingKey {
            case decision, category, top, confidence, reply, reasons, store, region, calibration
        }

        /// `category` is always present, `null` when none fits (the contract); store and region only when known.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(decision, forKey: .decision)
            try container.encode(category, forKey: .category)
            try container.encode(top, forKey: .top)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(reply, forKey: .reply)
            try container.encode(reasons, forKey: .reasons)
            try container.encodeIfPresent(store, forKey: .store)
            try container.encodeIfPresent(region, forKey: .region)
            try container.encode(calibration, forKey: .calibration)
        }
    }

    @Sendable func ask(_ request: Request, context: Context) async throws -> AskResponse {
        guard let body = try? await request.decode(as: AskRequest.self, context: context) else {
            throw APIError(.badRequest, "the body must be {\"text\": \"...\", \"user\": \"userid\"?}")
        }
        let now = clock.now()
        let place = if let user = body.user { await directory.place(of: user, now: now) } else { AssociatePlace?.none }
        // The live conversation's own step, on a new conversation, with nothing stored or sent.
        let snapshot = await knowledge.engine
        let step = reducer.reduce(
            .text(body.text), state: ConversationState(), knowledge: snapshot,
            context: .init(messageKey: "ask", region: place?.region, newChoiceID: "ask"), now: now)
        guard let logged = step.loggedQuestion else {
            throw APIError(.internalServerError, "the bot did not take this text as a question")
        }
        let assessment = logged.assessment
        // The reply as a channel without cards shows it, in the script the question is written in.
        let script = ChineseScript(of: body.text) ?? .simplified
        var reply = step.replies.map { WeComReplyRenderer(cards: false).text(WeComReplyRenderer.written($0, in: script)) }
            .joined(separator: "\n")
        if reply.isEmpty, assessment.decision == .escalate {
            // The ticket's own confirmation carries its number, which a dry run does not take.
            reply = script.writing(reducer.handOverReply(assessment.reasons))
        }
        return AskResponse(
            decision: assessment.decision.rawValue, category: assessment.category?.rawValue,
            top: assessment.candidates.map { .init(id: $0.entry.id.rawValue, question: $0.entry.question, score: $0.score) },
            confidence: assessment.confidence, reply: reply, reasons: assessment.reasons.map(\.rawValue), store: place?.store,
            region: place?.region, calibration: snapshot.calibration.state.rawValue)
    }
}
