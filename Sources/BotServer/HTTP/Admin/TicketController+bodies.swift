import Categories
import Escalation
import Foundation
import Hummingbird

extension TicketController {
    struct TicketList: ResponseEncodable {
        var tickets: [TicketBody]
    }

    struct TicketDetail: ResponseEncodable {
        var ticket: TicketBody
        var transcript: [MessageBody]
        var timeline: [EventBody]
    }

    /// A ticket as the API shows it: `number` an integer, times in UTC.
    struct TicketBody: Encodable {
        struct Candidate: Encodable {
            var id: String
            var question: String
            var score: Double
        }
        struct Intake: Encodable {
            var key: String
            var question: String
            var answer: String?
            var recognized: Bool
        }
        struct CSAT: Encodable {
            var rating: String
            var ratedAt: Date?
            enum CodingKeys: String, CodingKey {
                case rating
                case ratedAt = "rated_at"
            }
        }

        /// One SLA target: when it is due (nil while the ticket waits on the store), when the assignee is
        /// warned, when it was breached, and the minutes it took once reached (working or clock minutes,
        /// as the target counts).
        struct Target: Encodable {
            var dueAt: Date?
            var warnAt: Date?
            var breachedAt: Date?
            var minutes: Int?
            /// Whether it was reached in time; nil while still open.
            var met: Bool?
            enum CodingKeys: String, CodingKey {
                case minutes, met
                case dueAt = "due_at"
                case warnAt = "warn_at"
                case breachedAt = "breached_at"
            }
        }
        struct SLA: Encodable {
            var firstResponse: Target
            var resolution: Target
            /// Since when the ticket waits on the store (the SLA is paused), and what the store was asked.
            var waitingSince: Date?
            var waitQuestion: String?
            enum CodingKeys: String, CodingKey {
                case resolution
                case firstResponse = "first_response"
                case waitingSince = "waiting_since"
                case waitQuestion = "wait_question"
            }
        }

        var number: Int
        var status: String
        var priority: String
        var subject: String
        var question: String
        var requester: String
        var requesterName: String?
        var store: String?
        var region: String?
        var category: String?
        var team: String
        var teamName: String?
        var assignee: String?
        var assigneeName: String?
        var offeredTo: [String]
        var reasons: [String]
        var candidates: [Candidate]
        var confidence: Double
        var intake: [Intake]
        var createdAt: Date
        var responseDueAt: Date?
        var claimedAt: Date?
        var firstReplyAt: Date?
        var resolvedAt: Date?
        var resolution: String?
        var closedAt: Date?
        var csat: CSAT?
        var sla: SLA
        var followUpOf: Int?

        init(_ ticket: Ticket, routing: RoutingTable) {
            number = ticket.number.rawValue
            status = ticket.status.rawValue
            priority = ticket.priority.rawValue
            subject = ticket.subject
            question = ticket.question
            requester = ticket.requester
            requesterName = ticket.requesterName
            store = ticket.store
            region = ticket.region
            category = ticket.category?.rawValue
            team = ticket.team.rawValue
            teamName = routing.team(ticket.team)?.name
            assignee = ticket.assignee
            assigneeName = ticket.assigneeName
            offeredTo = ticket.offeredTo
            reasons = ticket.reasons.map(\.rawValue)
            candidates = ticket.candidates.map { Candidate(id: $0.id.rawValue, question: $0.question, score: $0.score) }
            confidence = ticket.confidence
            intake = ticket.intake.map {
                Intake(key: $0.key, question: $0.question, answer: $0.answer, recognized: $0.recognized)
            }
            createdAt = ticket.createdAt
            responseDueAt = ticket.responseDueAt
            claimedAt = ticket.claimedAt
            firstReplyAt = ticket.firstReplyAt
            resolvedAt = ticket.resolvedAt
            resolution = ticket.resolution
            closedAt = ticket.closedAt
            csat = ticket.rating.map { CSAT(rating: $0.rawValue, ratedAt: ticket.ratedAt) }
            let firstMet: Bool? = ticket.firstReplyAt == nil ? nil : ticket.firstResponseBreachedAt == nil
            let resolutionMet: Bool? = ticket.resolvedAt == nil ? nil : ticket.resolutionBreachedAt == nil
            sla = SLA(
                firstResponse: Target(
                    dueAt: ticket.responseDueAt, warnAt: ticket.firstResponseWarnAt,
                    breachedAt: ticket.firstResponseBreachedAt, minutes: ticket.firstResponseMinutes, met: firstMet),
                resolution: Target(
                    dueAt: ticket.resolutionDueAt, warnAt: ticket.resolutionWarnAt, breachedAt: ticket.resolutionBreachedAt,
                    minutes: ticket.resolutionMinutes, met: resolutionMet),
                waitingSince: ticket.waitingSince, waitQuestion: ticket.waitQuestion)
            followUpOf = ticket.followUpOf?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case number, status, priority, subject, question, requester, store, region, category, team, assignee, reasons
            case candidates, confidence, intake, resolution, csat, sla
            case followUpOf = "follow_up_of"
            case requesterName = "requester_name"
            case teamName = "team_name"
            case assigneeName = "assignee_name"
            case offeredTo = "offered_to"
            case createdAt = "created_at"
            case responseDueAt = "response_due_at"
            case claimedAt = "claimed_at"
            case firstReplyAt = "first_reply_at"
            case resolvedAt = "resolved_at"
            case closedAt = "closed_at"
        }
    }

    struct MessageBody: Encodable {
        var at: Date
        var direction: String
        var author: String
        var text: String

        init(_ message: TicketMessage) {
            at = message.at
            direction = message.direction.rawValue
            author = message.author
            text = message.text
        }
    }

    struct EventBody: Encodable {
        var at: Date
        var actor: String
        var kind: String
        var text: String?
        var detail: String?

        init(_ event: TicketEvent) {
            at = event.at
            actor = event.actor
            kind = event.kind.rawValue
            text = event.text
            detail = event.detail
        }
    }
}
