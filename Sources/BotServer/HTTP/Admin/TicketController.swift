import Categories
import Escalation
import Foundation
import GRDB
import Hummingbird
import Logging

/// `GET /api/v1/tickets` (`?breaching=soon|now` for what is past its SLA warning or due), `GET
/// /api/v1/tickets/{number}` and the agent actions `POST
/// /api/v1/tickets/{number}/claim|reply|note|resolve|reassign|wait|reopen` (`{"agent", "text"}`), each a
/// timeline event with its author. Admin token until the console brings accounts.
///
/// An action does what the same command typed in WeCom does: its messages go out at once (the outbox
/// worker is woken when it commits), and a claim or first reply is timed like one in WeCom. An
/// `Idempotency-Key` header makes a retried POST safe (`IdempotencyKey`).
struct TicketController<Context: RequestContext> {
    let database: any DatabaseWriter
    let transaction: MessageTransaction
    let directory: DirectoryCache
    let clock: any WallClock
    /// Where time to claim and to first reply are recorded; nil records nothing.
    var metrics: ServerMetrics?

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("tickets", use: list)
        group.get("tickets/:number", use: show)
        group.post("tickets/:number/claim", use: { try await act(.claim, $0, $1) })
        group.post("tickets/:number/reply", use: { try await act(.reply, $0, $1) })
        group.post("tickets/:number/note", use: { try await act(.note, $0, $1) })
        group.post("tickets/:number/resolve", use: { try await act(.resolve, $0, $1) })
        group.post("tickets/:number/reassign", use: { try await act(.reassign, $0, $1) })
        group.post("tickets/:number/wait", use: { try await act(.wait, $0, $1) })
        group.post("tickets/:number/reopen", use: { try await act(.reopen, $0, $1) })
    }

    private var store: any TicketStore { transaction.desk.store }
    private var routing: RoutingTable { transaction.desk.routing }

    @Sendable func list(_ request: Request, context: Context) async throws -> TicketList {
        let query = request.uri.queryParameters
        var filter = TicketFilter()
        if let status = query["status"], !status.isEmpty {
            // Every piece must be a status: "open," or "open,,closed" is a client's bug, not "open".
            filter.statuses = try status.split(separator: ",", omittingEmptySubsequences: false).map { value in
                guard let status = TicketStatus(rawValue: String(value)) else {
                    let known = TicketStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    context.logger.notice(
                        "Request refused: unknown query value",
                        metadata: ["path": "\(request.uri.path)", "parameter": "status", "value": "\(status.prefix(40))"])
                    throw APIError(.badRequest, "status must be one of \(known), or several separated by commas")
                }
                return status
            }
        }
        filter.team = query["team"].map { TeamID(rawValue: String($0)) }
        filter.region = query["region"].map(String.init)
        filter.category = query["category"].map(String.init)
        filter.assignee = query["assignee"].map(String.init)
        if let breaching = try QueryChoice.value(
            "breaching", of: request, allowed: [TicketFilter.Breaching.soon, .now], logger: context.logger)
        {
            filter.breaching = breaching
            filter.now = clock.now()
        }
        let page = try PageQuery(request)
        filter.before = page.before.map { TicketNumber(Int($0)) }
        filter.limit = page.limit
        let tickets = try await database.read { [store, filter] db in try store.tickets(filter, in: db) }
        return TicketList(tickets: tickets.map { TicketBody($0, routing: routing) })
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> TicketDetail {
        let number = try Self.number(context)
        return try await detail(number)
    }

    /// The agent actions of the API.
    enum Action: String {
        case claim, reply, note, resolve, reassign, wait, reopen
    }

    struct ActionRequest: Decodable {
        var agent: String
        var text: String?
    }

    /// An agent action. A ticket that does not exist is 404 whatever the body says; then a body that
    /// is not `{"agent", "text"}`, an agent escalation.yaml does not name, or a missing text is 400.
    func act(_ action: Action, _ request: Request, _ context: Context) async throws -> EditedResponse<TicketDetail> {
        let number = try Self.number(context)
        func refuse(_ status: HTTPResponse.Status, _ message: String) -> APIError {
            context.logger.notice(
                "Ticket action refused",
                metadata: ["ticket": "\(number)", "action": "\(action.rawValue)", "reason": "\(message)"])
            return APIError(status, message)
        }
        guard try await database.read({ [store] db in try store.ticket(number, in: db) }) != nil else {
            throw refuse(.notFound, "no ticket \(number)")
        }
        let body: ActionRequest
        do {
            body = try await request.decode(as: ActionRequest.self, context: context)
        } catch {
            throw refuse(.badRequest, "the body must be JSON {\"agent\": \"<user id>\", \"text\": \"…\"}")
        }
        guard routing.isAgent(body.agent) else {
            throw refuse(.badRequest, "agent \"\(body.agent.prefix(64))\" is not an agent: escalation.yaml names none such")
        }
        let text = body.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if action != .claim, action != .reopen, text.isBlank {
            throw refuse(.badRequest, "text is required for \(action.rawValue)")
        }
        let key = try Self.idempotencyKey(request, action: action, number: number, agent: body.agent, text: text)
        let command: AgentCommand =
            switch action {
            case .claim: .claim(number)
            case .reply: .reply(number, text)
            case .note: .note(number, text)
            case .resolve: .resolve(number, summary: text)
            case .reassign: .reassign(number, to: text)
            case .wait: .wait(number, question: text)
            case .reopen: .reopen(number)
            }
        let now = clock.now()
        let name = await directory.place(of: body.agent, now: now)?.name
        let outcome: MessageTransaction.APIOutcome
        do {
            outcome = try await transaction.performForAPI(
                command, by: TicketDesk.Person(userID: body.agent, name: name), idempotencyKey: key, now: now)
        } catch let error as TicketDeskError {
            let message = transaction.desk.message(for: error)
            switch error {
            case .notFound: throw refuse(.notFound, message)
            case .unknownTarget: throw refuse(.badRequest, message)
            case .notYours, .taken, .notActive, .alreadyWith, .notResolved: throw refuse(.conflict, message)
            }
        } catch let reused as IdempotencyKey.Reused {
            throw APIError(
                .unprocessableContent,
                "Idempotency-Key \"\(reused.key)\" was used for another request; use a new key for a new request")
        }
        switch outcome {
        case .performed(let ticket):
            if let ticket, let metrics { metrics.ticketProgressed(ticket, at: now) }
            context.logger.info(
                "Ticket action", metadata: ["ticket": "\(number)", "action": "\(action.rawValue)", "agent": "\(body.agent)"])
            return EditedResponse(response: try await detail(number))
        case .replayed:
            context.logger.info(
                "Ticket action retried with the same Idempotency-Key: not done again",
                metadata: ["ticket": "\(number)", "action": "\(action.rawValue)", "agent": "\(body.agent)"])
            return EditedResponse(headers: [IdempotencyKey.replayedHeader: "true"], response: try await detail(number))
        }
    }

    /// The request's `Idempotency-Key`, if it has one.
    private static func idempotencyKey(
        _ request: Request, action: Action, number: TicketNumber, agent: String, text: String
    ) throws -> IdempotencyKey? {
        guard let value = request.headers[IdempotencyKey.header] else { return nil }
        do {
            return try IdempotencyKey(key: value, action: action.rawValue, ticket: number, agent: agent, text: text)
        } catch {
            throw APIError(
                .badRequest,
                "Idempotency-Key must be 1 to \(IdempotencyKey.maxLength) visible ASCII characters, such as a UUID")
        }
    }

    private func detail(_ number: TicketNumber) async throws -> TicketDetail {
        let found = try await database.read { [store] db -> (Ticket, [TicketMessage], [TicketEvent])? in
            guard let ticket = try store.ticket(number, in: db) else { return nil }
            return (ticket, try store.transcript(of: number, in: db), try store.events(of: number, in: db))
        }
        guard let (ticket, transcript, events) = found else { throw APIError(.notFound, "no ticket \(number)") }
        return TicketDetail(
            ticket: TicketBody(ticket, routing: routing), transcript: transcript.map(MessageBody.init),
            timeline: events.map(EventBody.init))
    }

    static func number(_ context: Context) throws -> TicketNumber {
        guard let text = context.parameters.get("number"), let number = TicketNumber(text: text) else {
            throw APIError(.badRequest, "a ticket number is digits, such as /api/v1/tickets/1001")
        }
        return number
    }
}
