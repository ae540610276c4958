import Escalation
import Foundation
import Prometheus

/// The server's own counters, exposed at `/metrics` in Prometheus text format.
///
/// A registry per application (not the process-wide `MetricsSystem`) so that tests can run
/// several applications in one process.
struct ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let callbacksAccepted: Counter
    let callbacksDuplicate: Counter
    let callbacksRejected: Counter
    /// Callbacks that could not be stored (the database refused the write): answered 503, WeCom retries.
    let callbacksUnstored: Counter
    let outboxSent: Counter
    let outboxRetried: Counter
    let outboxFailed: Counter
    /// Questions handled, by decision (answer, suggest, clarify, smalltalk, escalate).
    let questions: [String: Counter]
    /// What associates did with the bot's choices (picked, category_chosen, declined).
    let followUps: [String: Counter]
    let feedbackHelpful: Counter
    let feedbackUnhelpful: Counter
    /// From accepting a callback to having its replies queued for sending.
    let handlingTime: DurationHistogram

    static let decisions = Decision.allCases.map(\.rawValue)
    static let followUpActions = LoggedQuestion.FollowUp.allCases.map(\.rawValue)

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let callbacks = MetricNameDescriptor(
            namespace: "storedesk", metricName: "callbacks", unitName: "total", helpText: "WeCom callbacks by result")
        let outbox = MetricNameDescriptor(
            namespace: "storedesk", metricName: "outbox", unitName: "total", helpText: "Outbox send attempts by result")
        callbacksAccepted = registry.makeCounter(descriptor: callbacks, labels: [("result", "accepted")])
        callbacksDuplicate = registry.makeCounter(descriptor: callbacks, labels: [("result", "duplicate")])
        callbacksRejected = registry.makeCounter(descriptor: callbacks, labels: [("result", "rejected")])
        callbacksUnstored = registry.makeCounter(descriptor: callbacks, labels: [("result", "unstored")])
        outboxSent = registry.makeCounter(descriptor: outbox, labels: [("result", "sent")])
        outboxRetried = registry.makeCounter(descriptor: outbox, labels: [("result", "retry")])
        outboxFailed = registry.makeCounter(descriptor: outbox, labels: [("result", "failed")])
        func counters(_ name: String, help: String, label: String, values: [String]) -> [String: Counter] {
            let descriptor = MetricNameDescriptor(namespace: "storedesk", metricName: name, unitName: "total", helpText: help)
            return Dictionary(
                uniqueKeysWithValues: values.map { ($0, registry.makeCounter(descriptor: descriptor, labels: [(label, $0)])) })
        }
        questions = counters(
            "questions", help: "Associates' questions by the bot's decision", label: "decision", values: Self.decisions)
        followUps = counters(
            "followups", help: "Associates' follow-ups to the bot's choices", label: "action", values: Self.followUpActions)
        let feedback = MetricNameDescriptor(
            namespace: "storedesk", metricName: "feedback", unitName: "total", helpText: "Feedback on answers")
        feedbackHelpful = registry.makeCounter(descriptor: feedback, labels: [("helpful", "yes")])
        feedbackUnhelpful = registry.makeCounter(descriptor: feedback, labels: [("helpful", "no")])
        handlingTime = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "message_handling", unitName: "seconds",
                helpText: "From accepting a WeCom callback to its replies being queued"),
            buckets: [
                .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                .seconds(5), .seconds(30),
            ])
    }

    /// A ticket opened for `team`, counted once per reason.
    func ticketOpened(team: String, reasons: [String]) {
        let descriptor = MetricNameDescriptor(
            namespace: "storedesk", metricName: "tickets_opened", unitName: "total",
            helpText: "Tickets opened, by team and hand-over reason")
        for reason in reasons.isEmpty ? ["none"] : reasons {
            registry.makeCounter(descriptor: descriptor, labels: [("team", team), ("reason", reason)]).increment()
        }
    }

    /// From a ticket's opening to its claim, by team.
    func ticketClaimed(team: String, after wait: Double) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "ticket_time_to_claim", unitName: "seconds",
                helpText: "From a ticket's opening to an agent's claim"),
            labels: [("team", team)], buckets: Self.ticketBuckets
        ).record(.seconds(max(0, wait)))
    }

    /// From a ticket's opening to its agent's first reply, by team.
    func ticketFirstReply(team: String, after wait: Double) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "ticket_time_to_first_reply", unitName: "seconds",
                helpText: "From a ticket's opening to the agent's first reply to the associate"),
            labels: [("team", team)], buckets: Self.ticketBuckets
        ).record(.seconds(max(0, wait)))
    }

    /// What an agent's action just did to `ticket`, at `now`: a claim is timed from the opening
    /// (`storedesk_ticket_time_to_claim_seconds`), and so is a first reply
    /// (`storedesk_ticket_time_to_first_reply_seconds`). Agents act in WeCom and through the API alike.
    func ticketProgressed(_ ticket: Ticket, at now: Date) {
        if ticket.claimedAt == now {
            ticketClaimed(team: ticket.team.rawValue, after: now.timeIntervalSince(ticket.createdAt))
        }
        if ticket.firstReplyAt == now {
            ticketFirstReply(team: ticket.team.rawValue, after: now.timeIntervalSince(ticket.createdAt))
            slaSettled(ticket, .firstResponse, met: ticket.firstResponseBreachedAt == nil)
        }
        if ticket.resolvedAt == now {
            slaSettled(ticket, .resolution, met: ticket.resolutionBreachedAt == nil)
        }
    }

    /// A target of `ticket` reached, in time or not (`storedesk_sla_total{met}`): attainment by team,
    /// priority and target is met="yes" over all.
    func slaSettled(_ ticket: Ticket, _ kind: SLAKind, met: Bool) {
        let descriptor = MetricNameDescriptor(
            namespace: "storedesk", metricName: "sla", unitName: "total",
            helpText: "SLA targets reached, by team, priority, target and whether in time")
        registry.makeCounter(
            descriptor: descriptor,
            labels: [
                ("team", ticket.team.rawValue), ("priority", ticket.priority.rawValue), ("target", kind.rawValue),
                ("met", met ? "yes" : "no"),
            ]
        ).increment()
    }

    /// What the ticket scheduler did: breaches counted by team, priority and target
    /// (`storedesk_sla_breaches_total`), every alarm by name (`storedesk_ticket_alarms_total`).
    func ticketAlarms(_ tick: TicketTick) {
        guard let ticket = tick.ticket else { return }
        let alarms = MetricNameDescriptor(
            namespace: "storedesk", metricName: "ticket_alarms", unitName: "total",
            helpText: "What the ticket scheduler did, by alarm")
        let breaches = MetricNameDescriptor(
            namespace: "storedesk", metricName: "sla_breaches", unitName: "total",
            helpText: "SLA breaches, by team, priority and target")
        for alarm in tick.fired {
            registry.makeCounter(descriptor: alarms, labels: [("alarm", alarm.name)]).increment()
            if case .breach(let kind) = alarm {
                registry.makeCounter(
                    descriptor: breaches,
                    labels: [("team", ticket.team.rawValue), ("priority", ticket.priority.rawValue), ("target", kind.rawValue)]
                ).increment()
            }
        }
    }

    /// Tickets now, by status and team (set from the database when metrics are read): every status of
    /// every team in `teams` and in `counts`, zeros included, so that a combination that empties reads
    /// 0 rather than its last count.
    func setTickets(_ counts: [(status: String, team: String, count: Int)], teams: [String]) {
        let descriptor = MetricNameDescriptor(
            namespace: "storedesk", metricName: "tickets", helpText: "Tickets by status and team")
        var statuses = TicketStatus.allCases.map(\.rawValue)
        var allTeams = teams
        for (status, team, _) in counts {
            if !statuses.contains(status) { statuses.append(status) }
            if !allTeams.contains(team) { allTeams.append(team) }
        }
        for status in statuses {
            for team in allTeams {
                let count = counts.first { $0.status == status && $0.team == team }?.count ?? 0
                registry.makeGauge(descriptor: descriptor, labels: [("status", status), ("team", team)]).set(Double(count))
            }
        }
    }

    static let ticketBuckets: [Duration] = [
        .seconds(60), .seconds(300), .seconds(600), .seconds(1800), .seconds(3600), .seconds(7200), .seconds(4 * 3600),
        .seconds(86400),
    ]

    /// The metrics in Prometheus text format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
