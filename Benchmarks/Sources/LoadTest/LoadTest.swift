import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `loadtest`: StoreDesk's release build and the Python peer, side by side, under the same encrypted
/// callbacks, at saturation and at a fixed rate; prints a table.
@main
struct LoadTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Replay WeCom-encrypted text callbacks against StoreDesk and the Python peer; print the figures.")

    @Option(help: "StoreDesk's release binary.")
    var storedesk = "/tmp/sd-snap/.build/release/BotServer"

    @Option(help: "StoreDesk's Config directory (knowledge.jsonl gives the questions).")
    var config = "Config"

    @Option(help: "The Python peer's directory (scripts/load).")
    var peerDirectory = "scripts/load"

    @Option(help: "Servers to measure, comma-separated: storedesk, peer.")
    var targets = "storedesk,peer"

    @Option(help: "Phases, comma-separated: saturation, fixed, redelivery; kill and apifail (StoreDesk only) on request.")
    var phases = "saturation,fixed,redelivery"

    @Option(help: "Simulated associates (450 stores × 13 ≈ 6,000; WeCom delivers at most 30 messages a minute to one member).")
    var users = 6000

    @Option(help: "Stores the associates work in.")
    var stores = 450

    @Option(help: "Keep-alive connections of the generator.")
    var connections = 32

    @Option(help: "Length of the saturation phase, seconds.")
    var saturationSeconds = 20.0

    @Option(help: "Callbacks prepared for the saturation phase (it ends early if they run out).")
    var saturationCallbacks = 320_000

    @Option(help: "Messages per second of the fixed-rate phase.")
    var rate = 1000.0

    @Option(help: "Length of the fixed-rate phase, seconds.")
    var rateSeconds = 60.0

    @Option(help: "How long to wait after a phase for the inbox backlog to drain, seconds.")
    var drainSeconds = 60.0

    @Option(help: "Messages per second of the kill and apifail phases.")
    var faultRate = 300.0

    @Option(help: "Length of the kill and apifail phases, seconds.")
    var faultSeconds = 60.0

    @Option(help: "kill: seconds between SIGKILLs of StoreDesk (restarted at once on the same data).")
    var killEvery = 10.0

    @Option(help: "kill, apifail: WeCom's timeout of one callback attempt, seconds.")
    var callbackTimeout = 5.0

    @Option(help: "kill, apifail: WeCom's retries of a callback without a 2xx, seconds after its first failed attempt.")
    var callbackRetries = "1,5,10"

    @Option(help: "apifail: when the fake WeCom API starts failing, seconds into the phase.")
    var apiFailFrom = 10.0

    @Option(help: "apifail: how long the fake WeCom API fails, seconds.")
    var apiFailSeconds = 40.0

    @Option(help: "apifail: the share of API calls that fail meanwhile (gettoken never does).")
    var apiFailShare = 1.0

    @Option(help: "apifail: the faults and their weights (busy = errcode -1, 502, 503, 45009, slow).")
    var apiFaultMix = "busy=35,502=20,503=20,45009=22,slow=3"

    @Option(help: "apifail: how long a slow answer takes, seconds (StoreDesk gives up on a call after 10 s).")
    var apiSlowSeconds = 12.0

    @Option(help: "kill, apifail: how long to wait afterwards for every answer to be delivered, seconds.")
    var faultDrainSeconds = 300.0

    @Option(help: "StoreDesk's LOG_LEVEL (info is what it ships with).")
    var logLevel = "info"

    @Option(help: "gunicorn workers of the peer.")
    var peerWorkers = 2

    @Option(help: "Threads per gunicorn worker of the peer (gthread).")
    var peerThreads = 8

    @Option(help: "Port of the server under test.")
    var port = 18_080

    @Option(help: "Port of the fake WeCom API.")
    var fakePort = 18_090

    @Option(help: "Where the servers' data and logs go (a new folder is made inside).")
    var scratch = NSTemporaryDirectory()

    @Flag(help: "Keep the servers' data folders after the run.")
    var keep = false

    static let token = "simtoken"
    static let aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    static let corpID = "wwsimcorp0000001"
    static let agentID = 1_000_002

    func run() async throws {
        let chosenTargets = try targets.split(separator: ",").map { name in
            guard let target = Target(rawValue: String(name)) else { throw ValidationError("unknown target \(name)") }
            return target
        }
        let chosenPhases = try phases.split(separator: ",").map { name in
            guard let phase = Phase(rawValue: String(name)) else { throw ValidationError("unknown phase \(name)") }
            return phase
        }
        let configDirectory = URL(fileURLWithPath: config)
        let corpus = try Corpus(
            knowledgeFile: configDirectory.appendingPathComponent("knowledge.jsonl"), users: users, stores: stores)
        let runDirectory = URL(fileURLWithPath: scratch).appendingPathComponent("storedesk-load-\(getpid())")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)

        // Same bytes for both servers: every request its own MsgId, timestamps of now (the servers refuse
        // callbacks signed more than an hour away, so a run must finish within the hour).
        let clock = ContinuousClock()
        let prepared = clock.now
        var forger = try CallbackForger(
            token: Self.token, encodingAESKey: Self.aesKey, corpID: Self.corpID, agentID: Self.agentID, seed: 42)
        let host = "127.0.0.1:\(port)"
        let warmUp = try Workload.make(
            corpus: corpus, forger: &forger, count: users, firstMsgID: 7_100_000_000_000_000_000, firstRound: 0, host: host)
        var workloads: [Phase: Workload] = [:]
        for phase in chosenPhases {
            switch phase {
            case .saturation:
                workloads[phase] = try Workload.make(
                    corpus: corpus, forger: &forger, count: saturationCallbacks,
                    firstMsgID: 7_200_000_000_000_000_000, firstRound: 1, host: host)
            case .fixed:
                workloads[phase] = try Workload.make(
                    corpus: corpus, forger: &forger, count: Int(rate * rateSeconds),
                    firstMsgID: 7_300_000_000_000_000_000, firstRound: 1, host: host)
            case .redelivery:
                // The warm-up's callbacks again and again: every one a redelivery once the warm-up is in.
                let copies = (saturationCallbacks + warmUp.requests.count - 1) / warmUp.requests.count
                workloads[phase] = Workload(
                    requests: Array([[Workload.Request]](repeating: warmUp.requests, count: copies).joined()))
            case .kill, .apifail:
                workloads[phase] = try Workload.make(
                    corpus: corpus, forger: &forger, count: Int(faultRate * faultSeconds),
                    firstMsgID: Self.firstMsgID(of: phase), firstRound: 1, host: host)
            }
        }
        print(
            "prepared \(warmUp.requests.count + workloads.filter { $0.key != .redelivery }.values.reduce(0) { $0 + $1.requests.count }) encrypted callbacks from \(users) associates, \(corpus.questions.count) distinct questions, in \(clock.now - prepared)"
        )

        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let fakeGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let fake = FakeWeComAPI(corpus: corpus)
        let fakeChannel = try await fake.start(group: fakeGroup, port: fakePort)
        var results: [PhaseResult] = []
        for phase in chosenPhases {
            for target in chosenTargets {
                guard let workload = workloads[phase] else { continue }
                if phase.isFault, target != .storedesk {
                    print("— \(target.title), \(phase.rawValue): skipped (StoreDesk only)")
                    continue
                }
                print("— \(target.title), \(phase.rawValue) …")
                let result: PhaseResult
                if phase.isFault {
                    result = try await measureFault(
                        phase: phase, workload: workload, warmUp: warmUp, corpus: corpus, fake: fake, group: clientGroup,
                        runDirectory: runDirectory, configDirectory: configDirectory)
                } else {
                    result = try await measure(
                        target: target, phase: phase, workload: workload, warmUp: warmUp, corpus: corpus, fake: fake,
                        group: clientGroup, runDirectory: runDirectory, configDirectory: configDirectory)
                }
                Report.printOne(result)
                results.append(result)
            }
        }
        try? await fakeChannel.close()
        try await clientGroup.shutdownGracefully()
        try await fakeGroup.shutdownGracefully()
        if !keep { try? FileManager.default.removeItem(at: runDirectory) }
        Report.printTable(results, settings: settingsLine(faults: chosenPhases.contains(where: \.isFault)), rate: rate)
    }

    private func settingsLine(faults: Bool) -> String {
        "\(ProcessInfo.processInfo.activeProcessorCount) cores; \(connections) keep-alive connections; \(users) associates; "
            + "saturation \(Int(saturationSeconds)) s; fixed rate \(Int(rate))/s for \(Int(rateSeconds)) s; StoreDesk LOG_LEVEL=\(logLevel); "
            + "peer: gunicorn \(peerWorkers) gthread workers × \(peerThreads) threads + 1 answering process"
            + (faults ? "; " + faultSettings : "")
    }

    // MARK: - One phase against one server

    private func measure(
        target: Target, phase: Phase, workload: Workload, warmUp: Workload, corpus: Corpus, fake: FakeWeComAPI,
        group: MultiThreadedEventLoopGroup, runDirectory: URL, configDirectory: URL
    ) async throws -> PhaseResult {
        fake.reset()
        let data = runDirectory.appendingPathComponent("\(target.rawValue)-\(phase.rawValue)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (processes, readyPath, database) = try launch(target, data: data, configDirectory: configDirectory)
        do {
            let result = try await measureRunning(
                target: target, phase: phase, workload: workload, warmUp: warmUp, corpus: corpus, fake: fake, group: group,
                processes: processes, readyPath: readyPath, database: database)
            return result
        } catch {
            for process in processes { await process.stop() }
            throw error
        }
    }

    private func measureRunning(
        target: Target, phase: Phase, workload: Workload, warmUp: Workload, corpus: Corpus, fake: FakeWeComAPI,
        group: MultiThreadedEventLoopGroup, processes: [ManagedProcess], readyPath: String, database: InboxCounter
    ) async throws -> PhaseResult {
        let clock = ContinuousClock()
        let readyBy = clock.now + .seconds(180)
        while await ProbeHTTP.get(group: group, port: port, path: readyPath) != 200 {
            guard clock.now < readyBy, processes.allSatisfy(\.isRunning) else {
                throw LoadTestError("\(target.title) did not become ready (see its log in the scratch folder)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let probe = ProcessProbe(roots: processes.map(\.pid))

        // Warm-up: every associate's first message (StoreDesk looks each one up in the directory once).
        let warm = try await LoadDriver(
            loop: group.next(), host: "127.0.0.1", port: port, connections: connections, workload: warmUp,
            pace: .saturation(seconds: 120)
        ).run()
        let warmAcked = warm.status.filter { (200..<300).contains($0) }.count
        _ = await drain(database: database, fake: fake, limit: 120)

        // The phase, sampled every 250 ms for memory and backlog.
        let sampler = Sampler(probe: probe, database: database)
        let sampling = Task { await sampler.run() }
        let cpuBefore = probe.cpuSeconds()
        let threadsBefore = probe.threadCPU()
        let generatorBefore = ProcessProbe.selfCPUSeconds()
        let machineBefore = ProcessProbe.machineBusySeconds()
        let pace: Pace =
            switch phase {
            case .saturation, .redelivery: .saturation(seconds: saturationSeconds)
            case .fixed: .fixedRate(perSecond: rate)
            case .kill, .apifail: .fixedRate(perSecond: faultRate)
            }
        let outcome = try await LoadDriver(
            loop: group.next(), host: "127.0.0.1", port: port, connections: connections, workload: workload, pace: pace
        ).run()
        let cpuAfter = probe.cpuSeconds()
        let threadsAfter = probe.threadCPU()
        let generatorAfter = ProcessProbe.selfCPUSeconds()
        let machineAfter = ProcessProbe.machineBusySeconds()
        let backlogAtEnd = database.counts()?.pending ?? -1
        let drainStarted = clock.now
        let drained = await drain(database: database, fake: fake, limit: drainSeconds)
        let drainSeconds = drained ? (clock.now - drainStarted).seconds : nil
        sampling.cancel()
        _ = await sampling.value
        let sampled = sampler.snapshot()
        let peakRSS = max(sampled.peakRSS, probe.highWaterMark())

        for process in processes { await process.stop() }
        let stored = database.counts()?.total ?? -1

        let seconds = Double(outcome.finishedAt - outcome.startedAt) / 1e9
        let acked = outcome.status.prefix(outcome.issued).filter { (200..<300).contains($0) }.count
        let refused = outcome.status.prefix(outcome.issued).filter { $0 != 0 && !(200..<300).contains($0) }.count
        let ackLatencies = (0..<outcome.issued).compactMap { index in
            (200..<300).contains(outcome.status[index]) ? outcome.latency[index] : nil
        }
        let (sendLatencies, unanswered) = Self.sendLatencies(
            of: (0..<outcome.issued).lazy.filter { (200..<300).contains(outcome.status[$0]) }
                .map { (index: $0, from: outcome.sentAt[$0]) },
            startedAt: outcome.startedAt, workload: workload, corpus: corpus, sends: fake.sends())
        var threads: [String: Double] = [:]
        for (name, seconds) in threadsAfter { threads[name] = seconds - (threadsBefore[name] ?? 0) }

        return PhaseResult(
            target: target, phase: phase, seconds: seconds, issued: outcome.issued, acked: acked, refused: refused,
            connectionFailures: outcome.connectionFailures, ack: Percentiles(ackLatencies), send: Percentiles(sendLatencies),
            unanswered: unanswered, sends: fake.sends().filter { $0.at >= outcome.startedAt }.count,
            peakBacklog: max(sampled.peakBacklog, backlogAtEnd), backlogAtEnd: backlogAtEnd,
            drainSeconds: drainSeconds,
            serverCPUSeconds: (cpuAfter.user + cpuAfter.system) - (cpuBefore.user + cpuBefore.system),
            serverUserSeconds: cpuAfter.user - cpuBefore.user, serverSystemSeconds: cpuAfter.system - cpuBefore.system,
            generatorCPUSeconds: generatorAfter - generatorBefore,
            otherCPUSeconds: max(
                0,
                (machineAfter - machineBefore) - (generatorAfter - generatorBefore)
                    - ((cpuAfter.user + cpuAfter.system) - (cpuBefore.user + cpuBefore.system))),
            peakRSSBytes: peakRSS, storedRows: stored,
            ackedInAll: warmAcked + (phase == .redelivery ? 0 : acked),
            threadCPU: threads.filter { $0.value > 0.05 }.sorted { $0.value > $1.value }.map { ($0.key, $0.value) })
    }

    /// Waits until the inbox holds nothing pending and the fake API has had no send for a second
    /// (the outbox is done too), or `limit` seconds pass. True when drained.
    func drain(database: InboxCounter, fake: FakeWeComAPI, limit: Double) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(limit * 1000))
        var lastSends = -1
        var stillSince = clock.now
        while clock.now < deadline {
            let pending = database.counts()?.pending ?? 1
            let sends = fake.sendCount()
            if sends != lastSends {
                lastSends = sends
                stillSince = clock.now
            }
            if pending == 0, clock.now - stillSince >= .seconds(1) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// For each acknowledged callback (its request and the moment counted from: when it was sent, or
    /// first due), the time until the first message/send to its associate that quotes its question
    /// (StoreDesk's answers quote it; the peer's do the same), and how many got none.
    static func sendLatencies(
        of acked: some Sequence<(index: Int, from: UInt64)>, startedAt: UInt64, workload: Workload, corpus: Corpus,
        sends: [FakeWeComAPI.Send]
    ) -> ([UInt64], Int) {
        var byUser: [String: [FakeWeComAPI.Send]] = [:]
        for send in sends where send.at >= startedAt {
            for user in send.toUser.split(separator: "|") { byUser[String(user), default: []].append(send) }
        }
        let quotes = corpus.questions.map { String($0.prefix(8)) }
        var latencies: [UInt64] = []
        var unanswered = 0
        for (index, from) in acked {
            let request = workload.requests[index]
            let quote = quotes[Int(request.question)]
            guard let list = byUser[corpus.users[Int(request.user)]],
                let send = list.first(where: { $0.at >= from && $0.content.contains(quote) })
            else {
                unanswered += 1
                continue
            }
            latencies.append(send.at - from)
        }
        return (latencies, unanswered)
    }

    // MARK: - Starting the servers

    /// - Parameter appendLog: a restart on the same data: its log goes on after the last one's.
    func launch(_ target: Target, data: URL, configDirectory: URL, appendLog: Bool = false) throws -> (
        [ManagedProcess], String, InboxCounter
    ) {
        var environment = ProcessInfo.processInfo.environment
        let weCom = [
            "WECOM_CORP_ID": Self.corpID, "WECOM_AGENT_ID": String(Self.agentID), "WECOM_SECRET": "sim-secret",
            "WECOM_TOKEN": Self.token, "WECOM_AES_KEY": Self.aesKey, "WECOM_API_BASE": "http://127.0.0.1:\(fakePort)",
        ]
        environment.merge(weCom) { $1 }
        let log = data.appendingPathComponent("server.log")
        switch target {
        case .storedesk:
            environment.merge([
                "STOREDESK_DATA": data.path, "STOREDESK_CONFIG": configDirectory.path, "STOREDESK_ADMIN_TOKEN": "tok",
                "STOREDESK_HOST": "127.0.0.1", "STOREDESK_PORT": String(port), "LOG_LEVEL": logLevel,
            ]) { $1 }
            let server = try ManagedProcess(
                name: "StoreDesk", executable: storedesk, arguments: [], environment: environment, directory: nil, log: log,
                appendLog: appendLog)
            return ([server], "/readyz", InboxCounter(path: data.appendingPathComponent("storedesk.sqlite").path))
        case .peer:
            let peer = URL(fileURLWithPath: peerDirectory)
            let databasePath = data.appendingPathComponent("peer.sqlite").path
            environment.merge([
                "PEER_DB": databasePath, "PEER_KNOWLEDGE": configDirectory.appendingPathComponent("knowledge.jsonl").path,
            ]) { $1 }
            let web = try ManagedProcess(
                name: "gunicorn", executable: "/usr/bin/env",
                arguments: [
                    "gunicorn", "--workers", String(peerWorkers), "--worker-class", "gthread", "--threads",
                    String(peerThreads), "--bind", "127.0.0.1:\(port)", "--backlog", "2048", "--keep-alive", "30",
                    "--log-level", "warning", "peer_app:app",
                ], environment: environment, directory: peer, log: log)
            let answerer = try ManagedProcess(
                name: "answerer", executable: "/usr/bin/env", arguments: ["python3", "peer_answerer.py"],
                environment: environment, directory: peer, log: data.appendingPathComponent("answerer.log"))
            return ([web, answerer], "/healthz", InboxCounter(path: databasePath))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Peak memory and backlog while a phase runs.
final class Sampler: Sendable {
    struct Sample: Sendable {
        var peakRSS = 0
        var peakBacklog = 0
    }

    private let probe: ProcessProbe
    private let database: InboxCounter
    private let state = NIOLockedValueBox(Sample())

    init(probe: ProcessProbe, database: InboxCounter) {
        self.probe = probe
        self.database = database
    }

    func run() async {
        while !Task.isCancelled {
            let rss = probe.residentBytes()
            let backlog = database.counts()?.pending ?? 0
            state.withLockedValue { sample in
                sample.peakRSS = max(sample.peakRSS, rss)
                sample.peakBacklog = max(sample.peakBacklog, backlog)
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func snapshot() -> Sample { state.withLockedValue { $0 } }
}
