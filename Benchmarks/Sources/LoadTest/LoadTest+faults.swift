import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The kill and apifail phases: StoreDesk at a fixed rate while its process is killed and restarted,
/// or while the WeCom API fails; WeCom's retries of callbacks; afterwards an audit of StoreDesk's
/// database against what the fake API delivered.
extension LoadTest {
    /// Each phase its own MsgIds, apart from the other phases'.
    static func firstMsgID(of phase: Phase) -> UInt64 {
        switch phase {
        case .saturation: 7_200_000_000_000_000_000
        case .fixed: 7_300_000_000_000_000_000
        case .redelivery: 7_100_000_000_000_000_000
        case .kill: 7_400_000_000_000_000_000
        case .apifail: 7_500_000_000_000_000_000
        }
    }

    var faultSettings: String {
        "kill/apifail: \(Int(faultRate))/s for \(Int(faultSeconds)) s, WeCom's callback timeout \(Report.format(callbackTimeout)) s, "
            + "retries \(callbackRetries) s after the first failure; kill every \(Report.format(killEvery)) s; "
            + "API failing \(Report.format(apiFailFrom))–\(Report.format(apiFailFrom + apiFailSeconds)) s (share \(apiFailShare), \(apiFaultMix), slow \(Report.format(apiSlowSeconds)) s)"
    }

    private func deliveryPolicy() throws -> DeliveryPolicy {
        let retries = try callbackRetries.split(separator: ",").map { part in
            guard let seconds = Double(part), seconds >= 0 else {
                throw LoadTestError("--callback-retries: \(part) is not a number of seconds")
            }
            return seconds
        }
        return DeliveryPolicy(timeout: callbackTimeout, retryAfter: retries)
    }

    // MARK: - One fault phase against StoreDesk

    func measureFault(
        phase: Phase, workload: Workload, warmUp: Workload, corpus: Corpus, fake: FakeWeComAPI,
        group: MultiThreadedEventLoopGroup, runDirectory: URL, configDirectory: URL
    ) async throws -> PhaseResult {
        let policy = try deliveryPolicy()
        let mix = try APIFaultPlan.mix(parsing: apiFaultMix)
        fake.reset(checksDuplicates: true)
        let data = runDirectory.appendingPathComponent("storedesk-\(phase.rawValue)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (processes, readyPath, inbox) = try launch(.storedesk, data: data, configDirectory: configDirectory)
        let server = ServerHolder(processes[0])
        let audit = OutboxAudit(path: inbox.path)
        do {
            guard try await waitReady(server.current, path: readyPath, group: group, limit: 180) != nil else {
                throw LoadTestError("StoreDesk did not become ready (see \(data.path)/server.log)")
            }
            // Warm-up as in the other phases: every associate's first message, answered.
            let warm = try await LoadDriver(
                loop: group.next(), host: "127.0.0.1", port: port, connections: connections, workload: warmUp,
                pace: .saturation(seconds: 120)
            ).run()
            let warmAcked = warm.status.filter { (200..<300).contains($0) }.count
            _ = await drain(database: inbox, fake: fake, limit: 120)

            let sampler = FaultSampler(server: server, inbox: inbox, audit: audit)
            let sampling = Task { await sampler.run() }
            let before = server.usage()
            let generatorBefore = ProcessProbe.selfCPUSeconds()
            let machineBefore = ProcessProbe.machineBusySeconds()
            let clock = ContinuousClock()
            let started = clock.now
            let startedNanos = NIODeadline.now().uptimeNanoseconds
            var plan: APIFaultPlan?
            if phase == .apifail {
                let from = startedNanos + UInt64(apiFailFrom * 1e9)
                let until = from + UInt64(apiFailSeconds * 1e9)
                plan = APIFaultPlan(
                    from: from, until: until, share: apiFailShare, mix: mix, slowSeconds: apiSlowSeconds,
                    invalidateTokenAt: from + (until - from) / 2)
                fake.setPlan(plan)
            }
            var killer: Task<[Restart], any Error>?
            if phase == .kill {
                let until = started + .milliseconds(Int(faultSeconds * 1000))
                killer = Task {
                    try await killAndRestart(
                        server, every: killEvery, until: until, data: data, configDirectory: configDirectory,
                        readyPath: readyPath, group: group)
                }
            }
            let outcome = try await DeliveryDriver(
                loop: group.next(), host: "127.0.0.1", port: port, connections: connections, workload: workload,
                rate: faultRate, policy: policy
            ).run()
            let restarts = try await killer?.value ?? []
            // The last restart is ready (the killer waits for it), so the drain below reads a live server.
            let after = server.usage()
            let generatorAfter = ProcessProbe.selfCPUSeconds()
            let machineAfter = ProcessProbe.machineBusySeconds()
            let backlogAtEnd = inbox.counts()?.pending ?? -1
            let drainStarted = clock.now
            let drained = await drainAll(inbox: inbox, audit: audit, fake: fake, limit: faultDrainSeconds)
            let drainSeconds = drained ? (clock.now - drainStarted).seconds : nil
            sampling.cancel()
            _ = await sampling.value
            let sampled = sampler.snapshot()
            let peakRSS = max(sampled.peakRSS, server.usage().highWaterMark)
            await server.current.stop()
            fake.setPlan(nil)

            let seconds = Double(outcome.finishedAt - outcome.startedAt) / 1e9
            let acked = outcome.ackedCount
            let ackLatencies = (0..<outcome.count).compactMap { outcome.acked($0) ? outcome.ackLatency[$0] : nil }
            let firstMsgID = Self.firstMsgID(of: phase)
            var figures = FaultFigures()
            figures.attempts = outcome.attempts.reduce(0) { $0 + Int($1) }
            for failure in outcome.failures { figures.failedAttempts[failure.why, default: 0] += 1 }
            figures.ackedAfterRetry = (0..<outcome.count).filter { outcome.acked($0) && outcome.attempts[$0] > 1 }.count
            figures.droppedByWeCom = outcome.count - acked
            figures.firstDueToAck = Percentiles(
                (0..<outcome.count).compactMap { outcome.acked($0) ? outcome.ackedAt[$0] &- outcome.firstDue[$0] : nil })
            figures.restarts = restarts.map { restart in
                let killed = restart.killedAt
                // The first ack once the killed process was gone (one under way at the kill may still land).
                let resumed = outcome.ackedAt.lazy.filter { $0 > restart.launchedAt }.min()
                let failed = outcome.failures.filter { $0.at >= killed && $0.at <= restart.readyAt + 1_000_000_000 }.count
                return FaultFigures.Restart(
                    killedAt: Double(killed &- startedNanos) / 1e9, downSeconds: Double(restart.readyAt - killed) / 1e9,
                    startToReadySeconds: Double(restart.readyAt - restart.launchedAt) / 1e9, failedAttempts: failed,
                    acksResumedAfter: resumed.map { Double($0 - killed) / 1e9 })
            }
            let sends = fake.sends()
            Self.auditDeliveries(
                &figures, outcome: outcome, workload: workload, corpus: corpus, firstMsgID: firstMsgID, audit: audit,
                fake: fake, sends: sends, recoveredAt: plan?.until)
            figures.repeats = fake.repeats().prefix(10).map { repeated in
                (
                    repeated.toUser, String(repeated.content.prefix(24)), Double(repeated.firstAt &- startedNanos) / 1e9,
                    repeated.firstAnsweredLate, Double(repeated.againAt &- startedNanos) / 1e9, repeated.againChecked
                )
            }
            figures.droppedByRestart = restarts.map { restart in
                (0..<outcome.count).filter { index in
                    !outcome.acked(index) && outcome.firstFailure[index] >= restart.killedAt
                        && outcome.firstFailure[index] <= restart.readyAt
                }.count
            }
            let counts = fake.counts()
            figures.checkedSends = counts.checkedSends
            figures.checkedDropped = counts.droppedDuplicates
            figures.repeatedTaskIDs = counts.repeatedTaskIDs
            figures.tokenFetches = counts.tokens
            figures.tokenRejections = counts.tokenRejections
            figures.callsInWindow = counts.callsInWindow
            figures.faults = counts.faults
            figures.peakUnsent = sampled.peakUnsent
            figures.peakUnsentAt = sampled.peakUnsentAt > 0 ? Double(sampled.peakUnsentAt &- startedNanos) / 1e9 : 0
            if let plan { Self.window(&figures, plan: plan, outcome: outcome, startedAt: startedNanos) }

            // From when each was first due: a callback WeCom had to retry counts its retries.
            let (sendLatencies, unanswered) = Self.sendLatencies(
                of: (0..<outcome.count).lazy.filter { outcome.acked($0) }.map { (index: $0, from: outcome.firstDue[$0]) },
                startedAt: outcome.startedAt, workload: workload, corpus: corpus, sends: sends)
            var threads: [String: Double] = [:]
            for (name, seconds) in after.threads { threads[name] = seconds - (before.threads[name] ?? 0) }
            let serverSeconds = after.cpu - before.cpu
            return PhaseResult(
                target: .storedesk, phase: phase, seconds: seconds, issued: outcome.count, acked: acked,
                refused: outcome.failures.count, connectionFailures: outcome.connectFailures,
                ack: Percentiles(ackLatencies), send: Percentiles(sendLatencies), unanswered: unanswered,
                sends: sends.filter { $0.at >= outcome.startedAt }.count,
                peakBacklog: max(sampled.peakBacklog, backlogAtEnd), backlogAtEnd: backlogAtEnd, drainSeconds: drainSeconds,
                serverCPUSeconds: serverSeconds, serverUserSeconds: after.user - before.user,
                serverSystemSeconds: after.system - before.system,
                generatorCPUSeconds: generatorAfter - generatorBefore,
                otherCPUSeconds: max(0, (machineAfter - machineBefore) - (generatorAfter - generatorBefore) - serverSeconds),
                peakRSSBytes: peakRSS, storedRows: inbox.counts()?.total ?? -1, ackedInAll: warmAcked + acked,
                threadCPU: threads.filter { $0.value > 0.05 }.sorted { $0.value > $1.value }.map { ($0.key, $0.value) },
                faults: figures)
        } catch {
            fake.setPlan(nil)
            await server.current.stop()
            throw error
        }
    }

    // MARK: - Kill and restart

    /// One SIGKILL and restart, on the generator's clock (`NIODeadline` uptime nanoseconds).
    struct Restart: Sendable {
        var killedAt: UInt64
        var launchedAt: UInt64
        var readyAt: UInt64
    }

    /// SIGKILLs StoreDesk every `every` seconds until `until` and starts it again at once on the same
    /// data, waiting for /readyz each time (a restart slower than `every` delays the next kill).
    private func killAndRestart(
        _ server: ServerHolder, every: Double, until: ContinuousClock.Instant, data: URL, configDirectory: URL,
        readyPath: String, group: MultiThreadedEventLoopGroup
    ) async throws -> [Restart] {
        let clock = ContinuousClock()
        var restarts: [Restart] = []
        var next = clock.now + .milliseconds(Int(every * 1000))
        while next < until {
            try await Task.sleep(until: next, clock: clock)
            let old = server.current
            server.bank(old)
            let killedAt = NIODeadline.now().uptimeNanoseconds
            await old.crash()
            Self.mark(data.appendingPathComponent("server.log"), "SIGKILL \(restarts.count + 1) of pid \(old.pid); restarting")
            let launchedAt = NIODeadline.now().uptimeNanoseconds
            let (processes, _, _) = try launch(.storedesk, data: data, configDirectory: configDirectory, appendLog: true)
            server.replace(with: processes[0])
            guard let readyAt = try await waitReady(processes[0], path: readyPath, group: group, limit: 120) else {
                throw LoadTestError(
                    "StoreDesk did not become ready after restart \(restarts.count + 1) (see \(data.path)/server.log)")
            }
            restarts.append(Restart(killedAt: killedAt, launchedAt: launchedAt, readyAt: readyAt))
            next = max(next + .milliseconds(Int(every * 1000)), clock.now)
        }
        return restarts
    }

    /// Polls `path` every 50 ms until it answers 200. - Returns: when it did, nil after `limit` seconds
    /// or when the process ends.
    private func waitReady(_ process: ManagedProcess, path: String, group: MultiThreadedEventLoopGroup, limit: Double)
        async throws -> UInt64?
    {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(limit * 1000))
        while clock.now < deadline, process.isRunning {
            if await ProbeHTTP.get(group: group, port: port, path: path) == 200 {
                return NIODeadline.now().uptimeNanoseconds
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// A line in StoreDesk's log, so that its lines can be read against the kills.
    private static func mark(_ log: URL, _ text: String) {
        guard let handle = try? FileHandle(forWritingTo: log) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        let line = "--- loadtest \(ISO8601DateFormatter().string(from: Date())): \(text) ---\n"
        try? handle.write(contentsOf: Data(line.utf8))
    }

    /// Waits until the inbox holds nothing pending, the outbox nothing unsent and the fake API has had no
    /// send for a second, or `limit` seconds pass. True when all was delivered.
    private func drainAll(inbox: InboxCounter, audit: OutboxAudit, fake: FakeWeComAPI, limit: Double) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(limit * 1000))
        var lastSends = -1
        var stillSince = clock.now
        while clock.now < deadline {
            let pending = inbox.counts()?.pending ?? 1
            let unsent = audit.unsent() ?? 1
            let sends = fake.sendCount()
            if sends != lastSends {
                lastSends = sends
                stillSince = clock.now
            }
            if pending == 0, unsent == 0, clock.now - stillSince >= .seconds(1) { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    // MARK: - Figures

    /// The inbox and outbox against the acknowledged callbacks and what the fake API delivered.
    private static func auditDeliveries(
        _ figures: inout FaultFigures, outcome: DeliveryOutcome, workload: Workload, corpus: Corpus, firstMsgID: UInt64,
        audit: OutboxAudit, fake: FakeWeComAPI, sends: [FakeWeComAPI.Send], recoveredAt: UInt64?
    ) {
        let inboxRows = audit.inboxRows() ?? []
        let outboxRows = audit.outboxRows() ?? []
        var inboxByMsgID: [UInt64: [OutboxAudit.InboxRow]] = [:]
        for row in inboxRows {
            figures.inboxByStatus[row.status, default: 0] += 1
            if let msgID = row.msgID { inboxByMsgID[msgID, default: []].append(row) }
        }
        // Rows that are (or were to be) sent by themselves: a merged row went out inside a digest.
        var rowsByKey: [String: Int] = [:]
        var repliesByInbox: [Int64: [String]] = [:]
        for row in outboxRows {
            figures.outboxByStatus[row.status, default: 0] += 1
            if row.duplicateCheck { figures.outboxChecked += 1 }
            guard row.status != "merged", let key = row.key else { continue }
            rowsByKey[key, default: 0] += 1
            if let inboxID = row.inboxID { repliesByInbox[inboxID, default: []].append(key) }
        }
        let times = fake.deliveredTimes()
        let delivered = times.mapValues(\.count)
        for (key, count) in delivered {
            let rows = rowsByKey[key] ?? 0
            if rows == 0 { figures.deliveriesWithoutRow += count } else { figures.deliveredDuplicates += max(0, count - rows) }
        }
        for (key, rows) in rowsByKey { figures.undelivered += max(0, rows - (delivered[key] ?? 0)) }
        // apifail: the last delivery of a reply to a message first due before the API recovered, and to any.
        var lastBacklogDelivery: UInt64 = 0
        var lastDelivery: UInt64 = 0
        var complete = true

        for index in 0..<outcome.count {
            let stored = inboxByMsgID[firstMsgID + UInt64(index)] ?? []
            guard outcome.acked(index) else {
                if !stored.isEmpty { figures.storedUnacked += 1 }
                continue
            }
            figures.ackedMessages += 1
            switch stored.count {
            case 0: figures.ackedMissing += 1
            case 1: figures.ackedStoredOnce += 1
            default: figures.storedMoreThanOnce += 1
            }
            let replies = stored.flatMap { repliesByInbox[$0.id] ?? [] }
            guard !replies.isEmpty else {
                figures.ackedWithoutReply += 1
                continue
            }
            let doubled = replies.contains { (delivered[$0] ?? 0) > (rowsByKey[$0] ?? 0) }
            let missing = replies.contains { (delivered[$0] ?? 0) < (rowsByKey[$0] ?? 0) }
            if doubled { figures.messagesWithDuplicate += 1 }
            if missing { figures.messagesWithMissingReply += 1 }
            if !doubled, !missing { figures.answeredExactlyOnce += 1 }
            if missing { complete = false }
            let deliveredAt = replies.compactMap { times[$0]?.max() }.max() ?? 0
            lastDelivery = max(lastDelivery, deliveredAt)
            if let recoveredAt, outcome.firstDue[index] < recoveredAt {
                lastBacklogDelivery = max(lastBacklogDelivery, deliveredAt)
            }
        }
        if let recoveredAt, complete {
            figures.backlogDeliveredAfterRecovery = Double(Int64(bitPattern: lastBacklogDelivery &- recoveredAt)) / 1e9
            figures.allDeliveredAfterRecovery = Double(Int64(bitPattern: lastDelivery &- recoveredAt)) / 1e9
        }

        // The same count the way the other phases look at answers: sends that quote the question.
        var byUser: [String: [FakeWeComAPI.Send]] = [:]
        for send in sends where send.at >= outcome.startedAt {
            for user in send.toUser.split(separator: "|") { byUser[String(user), default: []].append(send) }
        }
        let quotes = corpus.questions.map { String($0.prefix(8)) }
        for index in 0..<outcome.count where outcome.acked(index) {
            let request = workload.requests[index]
            let quote = quotes[Int(request.question)]
            let due = outcome.firstDue[index]
            let quoting = (byUser[corpus.users[Int(request.user)]] ?? []).filter { $0.at >= due && $0.content.contains(quote) }
            switch quoting.count {
            case 0: figures.quotedZero += 1
            case 1: figures.quotedOnce += 1
            default: figures.quotedMore += 1
            }
        }
    }

    /// apifail: the callbacks first due inside the failure window and their acks.
    private static func window(_ figures: inout FaultFigures, plan: APIFaultPlan, outcome: DeliveryOutcome, startedAt: UInt64) {
        figures.window = (Double(plan.from &- startedAt) / 1e9, Double(plan.until &- startedAt) / 1e9)
        var latencies: [UInt64] = []
        for index in 0..<outcome.count where outcome.firstDue[index] >= plan.from && outcome.firstDue[index] < plan.until {
            figures.windowCallbacks += 1
            guard outcome.acked(index), outcome.attempts[index] == 1 else { continue }
            figures.windowAckedFirstTry += 1
            latencies.append(outcome.ackLatency[index])
        }
        figures.windowAck = Percentiles(latencies)
    }

}

/// The StoreDesk process of a fault phase (a new one after each restart) and the CPU its killed
/// predecessors used, so that the phase's CPU counts every incarnation.
final class ServerHolder: Sendable {
    struct Usage: Sendable {
        var user = 0.0
        var system = 0.0
        var threads: [String: Double] = [:]
        var highWaterMark = 0
        var cpu: Double { user + system }
    }

    private struct State {
        var current: ManagedProcess
        var banked = Usage()
    }

    private let state: NIOLockedValueBox<State>

    init(_ process: ManagedProcess) {
        state = NIOLockedValueBox(State(current: process))
    }

    var current: ManagedProcess { state.withLockedValue { $0.current } }

    func replace(with process: ManagedProcess) {
        state.withLockedValue { $0.current = process }
    }

    /// Keeps what `process` used so far, before it is killed.
    func bank(_ process: ManagedProcess) {
        let used = Self.usage(of: process)
        state.withLockedValue { state in
            state.banked.user += used.user
            state.banked.system += used.system
            for (name, seconds) in used.threads { state.banked.threads[name, default: 0] += seconds }
            state.banked.highWaterMark = max(state.banked.highWaterMark, used.highWaterMark)
        }
    }

    /// CPU used by every incarnation so far, and the largest memory any of them had.
    func usage() -> Usage {
        let (process, banked) = state.withLockedValue { ($0.current, $0.banked) }
        let now = Self.usage(of: process)
        var total = banked
        total.user += now.user
        total.system += now.system
        for (name, seconds) in now.threads { total.threads[name, default: 0] += seconds }
        total.highWaterMark = max(total.highWaterMark, now.highWaterMark)
        return total
    }

    private static func usage(of process: ManagedProcess) -> Usage {
        let probe = ProcessProbe(roots: [process.pid])
        let cpu = probe.cpuSeconds()
        return Usage(user: cpu.user, system: cpu.system, threads: probe.threadCPU(), highWaterMark: probe.highWaterMark())
    }
}

/// Peak memory, inbox backlog and unsent outbox rows while a fault phase runs.
final class FaultSampler: Sendable {
    struct Sample: Sendable {
        var peakRSS = 0
        var peakBacklog = 0
        var peakUnsent = 0
        /// When the unsent rows peaked (`NIODeadline` uptime nanoseconds).
        var peakUnsentAt: UInt64 = 0
    }

    private let server: ServerHolder
    private let inbox: InboxCounter
    private let audit: OutboxAudit
    private let state = NIOLockedValueBox(Sample())

    init(server: ServerHolder, inbox: InboxCounter, audit: OutboxAudit) {
        self.server = server
        self.inbox = inbox
        self.audit = audit
    }

    func run() async {
        while !Task.isCancelled {
            let rss = ProcessProbe(roots: [server.current.pid]).residentBytes()
            let backlog = inbox.counts()?.pending ?? 0
            let unsent = audit.unsent() ?? 0
            let now = NIODeadline.now().uptimeNanoseconds
            state.withLockedValue { sample in
                sample.peakRSS = max(sample.peakRSS, rss)
                sample.peakBacklog = max(sample.peakBacklog, backlog)
                if unsent > sample.peakUnsent {
                    sample.peakUnsent = unsent
                    sample.peakUnsentAt = now
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func snapshot() -> Sample { state.withLockedValue { $0 } }
}
