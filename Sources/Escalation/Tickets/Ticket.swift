import Categories
import Foundation
import GRDB

/// A case a person at HQ takes over from the bot: who asked, from where, what, what the bot tried, and
/// where it stands. Its transcript (`TicketMessage`) and timeline (`TicketEvent`) are kept beside it.
public struct Ticket: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ticket"

    public var number: TicketNumber
    /// The associate's WeCom user id.
    public var requester: String
    public var requesterName: String?
    public var store: String?
    public var region: String?
    public var category: CategoryID?
    /// The category's name when the ticket was opened.
    public var categoryName: String?
    public var priority: TicketPriority
    public var status: TicketStatus
    /// The question's first line, short.
    public var subject: String
    /// The question as the associate wrote it.
    public var question: String
    public var team: TeamID
    /// The agent who has it, once claimed.
    public var assignee: String?
    public var assigneeName: String?
    /// Who was offered it (the chosen member, or the whole team and its lead).
    public var offeredTo: [String]
    /// The ids of the offer cards sent (a WeCom card's task_id), to update them when someone claims it.
    public var offerCards: [String]
    public var reasons: [ReasonCode]
    public var candidates: [TicketCandidate]
    public var confidence: Double
    public var intake: [IntakeAnswer]
    public var createdAt: Date
    /// When the associate was promised a first answer.
    public var responseDueAt: Date?
    public var claimedAt: Date?
    /// When an agent first wrote to the associate.
    public var firstReplyAt: Date?
    public var resolvedAt: Date?
    public var resolution: String?
    public var closedAt: Date?
    public var rating: TicketRating?
    public var ratedAt: Date?
    /// When the associate was last told their message was added to the still unclaimed ticket.
    public var lastAddedNoticeAt: Date?

    // SLA (see `TicketSchedule`): due times follow from the history and are stored so that lists and the
    // scheduler can query them; `responseDueAt` is the first-response due time.

    /// When the resolution is due; nil while waiting on the store, or once resolved.
    public var resolutionDueAt: Date?
    /// When the assignee is warned about the first response (80% of its target).
    public var firstResponseWarnAt: Date?
    /// When the assignee is warned about the resolution.
    public var resolutionWarnAt: Date?
    /// When the first-response target was breached.
    public var firstResponseBreachedAt: Date?
    /// When the resolution target was breached.
    public var resolutionBreachedAt: Date?
    /// The minutes that counted until the first response (working or clock minutes, as its target counts).
    public var firstResponseMinutes: Int?
    /// The minutes that counted until the resolution.
    public var resolutionMinutes: Int?
    /// Since when its current holder (or the one member it is offered to) has had it: their time to
    /// claim or reply counts from here.
    public var heldSince: Date?
    /// Since when the ticket waits on the store (`#1001 等待`), and what the store was asked.
    public var waitingSince: Date?
    public var waitQuestion: String?
    /// The closed ticket this one follows up.
    public var followUpOf: TicketNumber?
    /// The alarms already acted on (`TicketAlarm.key`), so that a restart repeats none.
    public var alarmsDone: [String] = []
    /// When the scheduler must look at the ticket next; nil when nothing is scheduled.
    public var nextCheckAt: Date?

    public init(
        number: TicketNumber, requester: String, requesterName: String? = nil, store: String? = nil,
        region: String? = nil, category: CategoryID? = nil, priority: TicketPriority = .normal,
        status: TicketStatus = .open, subject: String, question: String, team: TeamID, assignee: String? = nil,
        offeredTo: [String] = [], offerCards: [String] = [], reasons: [ReasonCode] = [],
        candidates: [TicketCandidate] = [], confidence: Double = 0, intake: [IntakeAnswer] = [], createdAt: Date
    ) {
        self.number = number
        self.requester = requester
        self.requesterName = requesterName
        self.store = store
        self.region = region
        self.category = category
        self.priority = priority
        self.status = status
        self.subject = subject
        self.question = question
        self.team = team
        self.assignee = assignee
        self.offeredTo = offeredTo
        self.offerCards = offerCards
        self.reasons = reasons
        self.candidates = candidates
        self.confidence = confidence
        self.intake = intake
        self.createdAt = createdAt
    }

    /// The subject of a question: its first line, at most `maxSubjectCharacters`.
    public static func subject(of question: String) -> String {
        let line =
            question.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces)
            ?? ""
        return line.count > maxSubjectCharacters ? String(line.prefix(maxSubjectCharacters - 1)) + "…" : line
    }

    static let maxSubjectCharacters = 40

    /// Who may act on it as its agent: the assignee once claimed, else those it was offered to.
    public func isHandled(by agent: String) -> Bool {
        if let assignee { return assignee == agent }
        return offeredTo.contains(agent)
    }

    enum CodingKeys: String, CodingKey {
        case number, requester, store, region, category, priority, status, subject, question, team, assignee, reasons
        case candidates, confidence, intake, resolution, rating
        case requesterName = "requester_name"
        case categoryName = "category_name"
        case assigneeName = "assignee_name"
        case offeredTo = "offered_to"
        case offerCards = "offer_cards"
        case createdAt = "created_at"
        case responseDueAt = "response_due_at"
        case claimedAt = "claimed_at"
        case firstReplyAt = "first_reply_at"
        case resolvedAt = "resolved_at"
        case closedAt = "closed_at"
        case ratedAt = "rated_at"
        case lastAddedNoticeAt = "last_added_notice_at"
        case resolutionDueAt = "resolution_due_at"
        case firstResponseWarnAt = "first_response_warn_at"
        case resolutionWarnAt = "resolution_warn_at"
        case firstResponseBreachedAt = "first_response_breached_at"
        case resolutionBreachedAt = "resolution_breached_at"
        case firstResponseMinutes = "first_response_minutes"
        case resolutionMinutes = "resolution_minutes"
        case heldSince = "held_since"
        case waitingSince = "waiting_since"
        case waitQuestion = "wait_question"
        case followUpOf = "follow_up_of"
        case alarmsDone = "alarms_done"
        case nextCheckAt = "next_check_at"
    }
}
