/// The kill and apifail phases' own figures: a block as the phase ends, a table at the end.
extension Report {
    static func printFaults(_ figures: FaultFigures, phase: Phase) {
        let failed = DeliveryFailure.allCases.compactMap { why in
            figures.failedAttempts[why].map { "\(why.rawValue) \($0)" }
        }.joined(separator: ", ")
        print(
            "  WeCom: \(figures.attempts) attempts, failed \(failed.isEmpty ? "none" : failed); acked after a retry \(figures.ackedAfterRetry); "
                + "dropped by WeCom (no 2xx after its retries) \(figures.droppedByWeCom); first due → acked p50 \(ms(figures.firstDueToAck.milliseconds(0.5))) "
                + "p99 \(ms(figures.firstDueToAck.milliseconds(0.99))) max \(ms(figures.firstDueToAck.maxMilliseconds))")
        for (number, restart) in figures.restarts.enumerated() {
            print(
                "  restart \(number + 1): killed at \(format(restart.killedAt)) s, ready \(format(restart.downSeconds, 2)) s after the kill "
                    + "(\(format(restart.startToReadySeconds, 2)) s after start), \(restart.failedAttempts) attempts failed meanwhile, "
                    + "acks again after \(restart.acksResumedAfter.map { format($0, 2) + " s" } ?? "—")")
        }
        print(
            "  inbox: \(figures.ackedMessages) acked messages, stored once \(figures.ackedStoredOnce), missing \(figures.ackedMissing), "
                + "more than once \(figures.storedMoreThanOnce); stored without an ack \(figures.storedUnacked); rows \(statuses(figures.inboxByStatus))"
        )
        print(
            "  answers: exactly once \(figures.answeredExactlyOnce), with a doubled reply \(figures.messagesWithDuplicate), with a reply missing "
                + "\(figures.messagesWithMissingReply), no reply queued \(figures.ackedWithoutReply); whole run: delivered duplicates \(figures.deliveredDuplicates), "
                + "undelivered \(figures.undelivered), deliveries matching no outbox row \(figures.deliveriesWithoutRow); "
                + "sends quoting the question 0/1/more: \(figures.quotedZero)/\(figures.quotedOnce)/\(figures.quotedMore)")
        print(
            "  outbox: rows \(statuses(figures.outboxByStatus)), flagged for the duplicate check \(figures.outboxChecked); "
                + "checked sends \(figures.checkedSends), dropped by WeCom's duplicate check \(figures.checkedDropped), "
                + "cards refused for a used task_id \(figures.repeatedTaskIDs); unsent peak \(figures.peakUnsent) at \(format(figures.peakUnsentAt)) s"
        )
        if !figures.droppedByRestart.isEmpty {
            print(
                "  dropped by WeCom, by the restart whose downtime held their first failure: \(figures.droppedByRestart.map(String.init).joined(separator: ", "))"
            )
        }
        for repeated in figures.repeats {
            print(
                "  delivered twice: to \(repeated.user) «\(repeated.content)…» at \(format(repeated.firstAt, 2)) s"
                    + (repeated.firstAnsweredLate ? " (that call answered too late)" : "")
                    + " and again at \(format(repeated.againAt, 2)) s \(repeated.checked ? "checked" : "without the duplicate check")"
            )
        }
        if let window = figures.window {
            let faults = APIFault.allCases.compactMap { fault in figures.faults[fault].map { "\(fault.rawValue) \($0)" } }
                .joined(separator: ", ")
            print(
                "  API failing \(format(window.from))–\(format(window.until)) s: \(figures.callsInWindow) calls, faults \(faults); "
                    + "42001 answers \(figures.tokenRejections), gettoken calls \(figures.tokenFetches); "
                    + "callbacks due meanwhile \(figures.windowCallbacks), acked at the first try \(figures.windowAckedFirstTry), "
                    + "ack p50 \(ms(figures.windowAck.milliseconds(0.5))) p99 \(ms(figures.windowAck.milliseconds(0.99))) max \(ms(figures.windowAck.maxMilliseconds)); "
                    + "after recovery: backlog delivered in \(figures.backlogDeliveredAfterRecovery.map { format($0) + " s" } ?? "— (not all)"), "
                    + "every answer in \(figures.allDeliveredAfterRecovery.map { format($0) + " s" } ?? "— (not all)")")
        }
    }

    /// Rows of the fault table: figure, StoreDesk, target.
    static func faultLines(_ figures: FaultFigures, phase: Phase) -> [[String]] {
        var lines: [[String]] = [["", "StoreDesk", "target"]]
        func add(_ name: String, _ value: String, _ target: String = "") { lines.append([name, value, target]) }
        func count(_ value: Int) -> String { String(value) }
        add("callback attempts (first + WeCom's retries)", count(figures.attempts))
        for why in DeliveryFailure.allCases {
            add("  failed: \(why.rawValue)", count(figures.failedAttempts[why] ?? 0))
        }
        add("acked only after a retry", count(figures.ackedAfterRetry))
        add("dropped by WeCom (no 2xx after retries)", count(figures.droppedByWeCom), "0")
        add(
            "first due → acked p99 / max",
            "\(ms(figures.firstDueToAck.milliseconds(0.99))) / \(ms(figures.firstDueToAck.maxMilliseconds))")
        if phase == .kill {
            add("kills = restarts", count(figures.restarts.count))
            let downs = figures.restarts.map(\.downSeconds)
            if !downs.isEmpty {
                add(
                    "kill → ready, s (each)", downs.map { format($0, 2) }.joined(separator: ", "))
                add(
                    "process start → ready, s (each)",
                    figures.restarts.map { format($0.startToReadySeconds, 2) }.joined(separator: ", "))
                add("attempts failed per restart", figures.restarts.map { count($0.failedAttempts) }.joined(separator: ", "))
                add("dropped by WeCom, per restart", figures.droppedByRestart.map(count).joined(separator: ", "), "0")
            }
        }
        add("acked messages stored exactly once", "\(figures.ackedStoredOnce) of \(figures.ackedMessages)", "all")
        add("acked messages missing / stored twice", "\(figures.ackedMissing) / \(figures.storedMoreThanOnce)", "0 / 0")
        add("stored without an ack (answered anyway)", count(figures.storedUnacked))
        add("inbox rows by status", statuses(figures.inboxByStatus), "all processed")
        add("acked messages answered exactly once", "\(figures.answeredExactlyOnce) of \(figures.ackedMessages)", "all")
        add(
            "  with a doubled / missing reply, none queued",
            "\(figures.messagesWithDuplicate) / \(figures.messagesWithMissingReply), \(figures.ackedWithoutReply)", "0 / 0, 0")
        add("delivered duplicates (whole run)", count(figures.deliveredDuplicates), "0")
        add("undelivered replies (whole run)", count(figures.undelivered), "0")
        add("deliveries matching no outbox row", count(figures.deliveriesWithoutRow), "0")
        add("outbox rows by status", statuses(figures.outboxByStatus))
        add("checked resends / dropped as delivered", "\(figures.checkedSends) / \(figures.checkedDropped)")
        add("cards refused for a used task_id", count(figures.repeatedTaskIDs), "0")
        add(
            "sends quoting the question: 0 / 1 / more", "\(figures.quotedZero) / \(figures.quotedOnce) / \(figures.quotedMore)",
            "more: 0")
        add("outbox unsent, peak (at s)", "\(figures.peakUnsent) (\(format(figures.peakUnsentAt)))")
        if let window = figures.window {
            add("API failing, s", "\(format(window.from))–\(format(window.until))")
            add("API calls meanwhile", count(figures.callsInWindow))
            for fault in APIFault.allCases { add("  fault: \(fault.rawValue)", count(figures.faults[fault] ?? 0)) }
            add("42001 answers / gettoken calls", "\(figures.tokenRejections) / \(figures.tokenFetches)")
            add("callbacks due meanwhile / acked at once", "\(figures.windowCallbacks) / \(figures.windowAckedFirstTry)", "all")
            add(
                "their ack p50 / p99 / max",
                "\(ms(figures.windowAck.milliseconds(0.5))) / \(ms(figures.windowAck.milliseconds(0.99))) / \(ms(figures.windowAck.maxMilliseconds))",
                "p99 < 20")
            add("backlog delivered after recovery, s", figures.backlogDeliveredAfterRecovery.map { format($0) } ?? "— (not all)")
            add("every answer delivered after recovery, s", figures.allDeliveredAfterRecovery.map { format($0) } ?? "— (not all)")
        }
        return lines
    }

    private static func statuses(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
