import Foundation

/// The figures as text: one block per phase as it ends, and the side-by-side table at the end.
enum Report {
    static func printOne(_ result: PhaseResult) {
        print(
            "  \(result.target.title) \(result.phase.rawValue): \(result.acked) acked (2xx) of \(result.issued) in \(format(result.seconds)) s = \(format(result.ackedPerSecond, 0))/s; "
                + "ack p50 \(ms(result.ack.milliseconds(0.5))) p99 \(ms(result.ack.milliseconds(0.99))) max \(ms(result.ack.maxMilliseconds)); "
                + "send p50 \(ms(result.send.milliseconds(0.5))) p99 \(ms(result.send.milliseconds(0.99))); no quoting reply \(result.unanswered), sends \(result.sends); "
                + "backlog peak \(result.peakBacklog), drained in \(result.drainSeconds.map { format($0) + " s" } ?? "—"); "
                + "server CPU \(format(result.serverCores, 2)) cores (user \(format(result.serverUserSeconds)) s, sys \(format(result.serverSystemSeconds)) s), "
                + "generator \(format(result.generatorCPUSeconds / result.seconds, 2)) cores, others \(format(result.otherCPUSeconds / result.seconds, 2)) cores; peak RSS \(result.peakRSSBytes / 1_048_576) MiB; "
                + "inbox rows \(result.storedRows) for \(result.ackedInAll) acked; non-2xx \(result.refused), connection failures \(result.connectionFailures)"
        )
        if result.target == .storedesk {
            let split = result.threadCPU.prefix(8).map { "\($0.0) \(format($0.1)) s" }.joined(separator: ", ")
            print("  CPU by thread: \(split)")
        }
        if let faults = result.faults { printFaults(faults, phase: result.phase) }
    }

    static func printTable(_ results: [PhaseResult], settings: String, rate: Double) {
        let settingsRate = Int(rate)
        print("")
        print("StoreDesk load benchmark — \(settings)")
        for phase in Phase.allCases {
            let row = results.filter { $0.phase == phase }
            guard !row.isEmpty else { continue }
            let storedesk = row.first { $0.target == .storedesk }
            let peer = row.first { $0.target == .peer }
            print("")
            switch phase {
            case .saturation: print("Saturation (closed loop): new messages as fast as they are acknowledged")
            case .fixed: print("Fixed rate (open loop): \(settingsRate) new messages/s")
            case .redelivery:
                print("Ack path alone (closed loop): WeCom's redeliveries of stored messages, nothing new to answer")
            case .kill:
                print(
                    "Kill and restart (open loop, StoreDesk only): SIGKILL and restart on the same data, WeCom retrying callbacks"
                )
            case .apifail:
                print("WeCom API failing (open loop, StoreDesk only): errors, 5xx, slow answers, rate limit, a revoked token")
            }
            var lines: [[String]] = [["", "StoreDesk", "Python peer", "StoreDesk ÷ peer", "target"]]
            func line(
                _ name: String, _ value: (PhaseResult) -> Double?, digits: Int = 1, ratio: Bool = false, target: String = ""
            ) {
                let a = storedesk.flatMap(value)
                let b = peer.flatMap(value)
                let quotient = ratio ? zip2(a, b).map { $0.1 > 0 ? format($0.0 / $0.1, 2) + "×" : "—" } ?? "—" : ""
                lines.append([name, a.map { format($0, digits) } ?? "—", b.map { format($0, digits) } ?? "—", quotient, target])
            }
            line("callbacks offered", { Double($0.issued) }, digits: 0)
            line("acked (2xx)", { Double($0.acked) }, digits: 0)
            let closedLoop = phase == .saturation || phase == .redelivery
            line(
                "acked callbacks/s", { $0.ackedPerSecond }, digits: 0, ratio: true,
                target: closedLoop ? "≥ 15,000; ≥ 5× peer" : "")
            line("ack p50, ms", { $0.ack.milliseconds(0.5) }, digits: 2)
            line("ack p99, ms", { $0.ack.milliseconds(0.99) }, digits: 2, target: "< 20")
            line("ack max, ms", { $0.ack.maxMilliseconds }, digits: 1)
            line("callback → send p50, ms", { $0.send.milliseconds(0.5) }, digits: 1)
            line("callback → send p99, ms", { $0.send.milliseconds(0.99) }, digits: 1, target: phase == .fixed ? "< 200" : "")
            if phase.isFault {
                line("failed attempts (WeCom retried)", { Double($0.refused) }, digits: 0)
            }
            line("message/send calls", { Double($0.sends) }, digits: 0)
            line("acked, no reply quoting it", { Double($0.unanswered) }, digits: 0)
            line("inbox backlog, peak", { Double($0.peakBacklog) }, digits: 0)
            line("backlog drained after, s", { $0.drainSeconds }, digits: 1)
            line("server CPU, cores", { $0.serverCores }, digits: 2)
            line("server CPU per acked callback, ms", { $0.cpuMillisecondsPerCallback }, digits: 2)
            line("generator + fake API CPU, cores", { $0.generatorCPUSeconds / $0.seconds }, digits: 2)
            line("other processes' CPU, cores", { $0.otherCPUSeconds / $0.seconds }, digits: 2)
            line("server peak RSS, MiB", { Double($0.peakRSSBytes) / 1_048_576 }, digits: 0)
            line("lost (acked − stored)", { Double($0.ackedInAll - $0.storedRows) }, digits: 0, target: "≤ 0")
            print(table(lines))
            if phase.isFault, let faults = storedesk?.faults { print(table(faultLines(faults, phase: phase))) }
        }
    }

    private static func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
        guard let a, let b else { return nil }
        return (a, b)
    }

    static func table(_ lines: [[String]]) -> String {
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.enumerated().map { index, cells in
            let text = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: " | ")
            return index == 0 ? text + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-") : text
        }.joined(separator: "\n")
    }

    static func format(_ value: Double, _ digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func ms(_ value: Double?) -> String {
        value.map { format($0, 2) + " ms" } ?? "—"
    }
}
