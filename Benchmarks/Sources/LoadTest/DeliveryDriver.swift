import NIOCore
import NIOHTTP1
import NIOPosix

/// How WeCom delivers a callback to the app: an attempt that gets no 2xx (connection refused or reset,
/// an error status, no answer within `timeout`) is made again, up to `retryAfter.count` times.
struct DeliveryPolicy: Sendable {
    /// WeCom gives up on an attempt after 5 s and drops the connection.
    var timeout: Double = 5
    /// When the retries are due, in seconds after the first failed attempt (each at the earliest when
    /// the attempt before it ended); WeCom retries three times within about 15 s.
    var retryAfter: [Double] = [1, 5, 10]

    var attempts: Int { 1 + retryAfter.count }
}

/// Why an attempt of a callback failed.
enum DeliveryFailure: String, Sendable, CaseIterable {
    /// Nothing listened (the server was down): connection refused.
    case refused
    /// The connection broke while the attempt waited for its answer (the server died under it).
    case reset
    /// No answer within the policy's timeout.
    case timeout
    case status5xx = "5xx"
    case status4xx = "4xx"
}

/// What a phase with WeCom's retries measured, callback by callback.
struct DeliveryOutcome: Sendable {
    /// When each callback was first due (monotonic nanoseconds, `NIODeadline` uptime).
    var firstDue: [UInt64]
    /// When each was acknowledged (2xx), 0 if never.
    var ackedAt: [UInt64]
    /// From when its successful attempt was due to its answer (0 if never acknowledged).
    var ackLatency: [UInt64]
    /// Attempts made per callback.
    var attempts: [UInt8]
    /// Every failed attempt: when it failed and why.
    var failures: [(at: UInt64, why: DeliveryFailure)]
    /// When each callback's first attempt failed, 0 if none did.
    var firstFailure: [UInt64]
    var startedAt: UInt64
    var finishedAt: UInt64
    /// Connections that could not be opened (the server down or restarting).
    var connectFailures: Int

    var count: Int { firstDue.count }
    func acked(_ index: Int) -> Bool { ackedAt[index] != 0 }
    var ackedCount: Int { ackedAt.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}

/// Sends callbacks at a fixed rate (open loop) over keep-alive connections as WeCom would, retrying
/// failed attempts per `DeliveryPolicy`. Every piece of its state lives on its event loop.
final class DeliveryDriver: @unchecked Sendable {
    private let loop: any EventLoop
    private let host: String
    private let port: Int
    private let connectionCount: Int
    private let requests: [Workload.Request]
    private let rate: Double
    private let policy: DeliveryPolicy
    private let promise: EventLoopPromise<DeliveryOutcome>
    private let timeoutNanos: UInt64

    private var startedAt: UInt64 = 0
    private var firstDue: [UInt64]
    private var ackedAt: [UInt64]
    private var ackLatency: [UInt64]
    private var attempts: [UInt8]
    private var firstFailure: [UInt64]
    private var failures: [(at: UInt64, why: DeliveryFailure)] = []
    private var connectFailures = 0

    /// The next callback not yet attempted.
    private var nextNew = 0
    /// Retries not yet due, earliest first.
    private var retries = RetryHeap()
    /// Attempts due and waiting for a free connection, oldest first.
    private var ready: [(index: Int, due: UInt64)] = []
    private var readyHead = 0
    private var inFlight = 0
    private var idle: [DeliveryConnection] = []
    private var busy: [ObjectIdentifier: DeliveryConnection] = [:]
    private var channels: [ObjectIdentifier: any Channel] = [:]
    /// The last connection attempt was refused and none is open: the server is down.
    private var lastConnectFailed = false
    private var timer: RepeatedTask?
    private var finished = false

    init(
        loop: any EventLoop, host: String, port: Int, connections: Int, workload: Workload, rate: Double,
        policy: DeliveryPolicy
    ) {
        self.loop = loop
        self.host = host
        self.port = port
        self.connectionCount = connections
        self.requests = workload.requests
        self.rate = rate
        self.policy = policy
        self.promise = loop.makePromise()
        self.timeoutNanos = UInt64(policy.timeout * 1e9)
        let count = workload.requests.count
        firstDue = Array(repeating: 0, count: count)
        ackedAt = Array(repeating: 0, count: count)
        ackLatency = Array(repeating: 0, count: count)
        attempts = Array(repeating: 0, count: count)
        firstFailure = Array(repeating: 0, count: count)
    }

    /// Runs until every callback is acknowledged or out of retries.
    func run() async throws -> DeliveryOutcome {
        loop.execute { self.start() }
        return try await promise.futureResult.get()
    }

    private func start() {
        startedAt = NIODeadline.now().uptimeNanoseconds
        for index in 0..<requests.count { firstDue[index] = startedAt + UInt64(Double(index) / rate * 1e9) }
        timer = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { _ in self.tick() }
        for _ in 0..<connectionCount { connect() }
    }

    private func connect() {
        guard !finished else { return }
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(DeliveryConnection(driver: self))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { _ in
            self.connectFailures += 1
            self.lastConnectFailed = true
            // WeCom's attempts meanwhile are refused; the next tick fails those waiting.
            self.loop.scheduleTask(in: .milliseconds(20)) { self.connect() }
        }
    }

    // MARK: - Called by the connections, on the loop

    func ready(_ connection: DeliveryConnection, channel: any Channel) {
        lastConnectFailed = false
        channels[ObjectIdentifier(connection)] = channel
        idle.append(connection)
        dispatch(now: NIODeadline.now().uptimeNanoseconds)
    }

    func answered(_ connection: DeliveryConnection, index: Int, due: UInt64, status code: UInt16, keepAlive: Bool) {
        let now = NIODeadline.now().uptimeNanoseconds
        busy[ObjectIdentifier(connection)] = nil
        inFlight -= 1
        if (200..<300).contains(code) {
            ackedAt[index] = now
            ackLatency[index] = now &- due
        } else {
            fail(index, code >= 500 ? .status5xx : .status4xx, now: now)
        }
        if keepAlive, !finished {
            idle.append(connection)
            dispatch(now: now)
        }
        checkDone()
    }

    func lost(_ connection: DeliveryConnection) {
        let key = ObjectIdentifier(connection)
        channels[key] = nil
        idle.removeAll { $0 === connection }
        if let current = connection.current {
            connection.current = nil
            busy[key] = nil
            inFlight -= 1
            fail(current.index, .reset, now: NIODeadline.now().uptimeNanoseconds)
        }
        if !finished {
            loop.scheduleTask(in: .milliseconds(1)) { self.connect() }
        }
        checkDone()
    }

    // MARK: - Attempts

    /// A failed attempt: the next one is scheduled, or the callback is out of retries (WeCom drops it).
    private func fail(_ index: Int, _ why: DeliveryFailure, now: UInt64) {
        failures.append((now, why))
        if firstFailure[index] == 0 { firstFailure[index] = now }
        let made = Int(attempts[index])
        guard made < policy.attempts else { return }
        let due = max(now, firstFailure[index] + UInt64(policy.retryAfter[made - 1] * 1e9))
        retries.push(due: due, index: index)
    }

    private func tick() {
        guard !finished else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        // New callbacks due by now, then retries due by now.
        while nextNew < requests.count, firstDue[nextNew] <= now {
            ready.append((nextNew, firstDue[nextNew]))
            nextNew += 1
        }
        while let due = retries.peekDue, due <= now, let retry = retries.pop() {
            ready.append((retry.index, retry.due))
        }
        // Answers overdue: WeCom drops the connection and counts the attempt failed.
        for (key, connection) in busy {
            guard let current = connection.current, now &- current.sentAt > timeoutNanos else { continue }
            connection.current = nil
            busy[key] = nil
            inFlight -= 1
            fail(current.index, .timeout, now: now)
            channels[key]?.close(promise: nil)
        }
        // Nothing listens: every attempt waiting now is refused.
        if lastConnectFailed, channels.isEmpty {
            while readyHead < ready.count {
                let waiting = ready[readyHead]
                readyHead += 1
                attempts[waiting.index] += 1
                fail(waiting.index, .refused, now: now)
            }
        }
        // An attempt that found no free connection for the whole timeout failed as WeCom's would.
        while readyHead < ready.count, now &- ready[readyHead].due > timeoutNanos {
            let waiting = ready[readyHead]
            readyHead += 1
            attempts[waiting.index] += 1
            fail(waiting.index, .timeout, now: now)
        }
        dispatch(now: now)
        compactReady()
        checkDone()
    }

    private func dispatch(now: UInt64) {
        guard !finished else { return }
        while !idle.isEmpty, readyHead < ready.count {
            let (index, due) = ready[readyHead]
            readyHead += 1
            let connection = idle.removeLast()
            attempts[index] += 1
            inFlight += 1
            busy[ObjectIdentifier(connection)] = connection
            connection.send(index, due: due, sentAt: now, requests[index])
        }
    }

    private func compactReady() {
        if readyHead > 4096, readyHead * 2 > ready.count {
            ready.removeFirst(readyHead)
            readyHead = 0
        }
    }

    private func checkDone() {
        guard !finished, inFlight == 0, nextNew >= requests.count, retries.isEmpty, readyHead >= ready.count else {
            return
        }
        finished = true
        timer?.cancel()
        for channel in channels.values { channel.close(promise: nil) }
        promise.succeed(
            DeliveryOutcome(
                firstDue: firstDue, ackedAt: ackedAt, ackLatency: ackLatency, attempts: attempts, failures: failures,
                firstFailure: firstFailure, startedAt: startedAt, finishedAt: NIODeadline.now().uptimeNanoseconds,
                connectFailures: connectFailures))
    }
}

/// Retries by due time (a binary heap).
struct RetryHeap {
    private var items: [(due: UInt64, index: Int)] = []

    var isEmpty: Bool { items.isEmpty }
    var peekDue: UInt64? { items.first?.due }

    mutating func push(due: UInt64, index: Int) {
        items.append((due, index))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].due < items[parent].due else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (due: UInt64, index: Int)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left].due < items[smallest].due { smallest = left }
            if right < items.count, items[right].due < items[smallest].due { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

/// One keep-alive connection of the delivery driver: one attempt at a time.
final class DeliveryConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct Current {
        var index: Int
        var due: UInt64
        var sentAt: UInt64
    }

    private let driver: DeliveryDriver
    private var context: ChannelHandlerContext?
    /// The attempt waiting for its answer; the driver clears it when it gives up on it.
    var current: Current?
    private var status: UInt16 = 0
    private var keepAlive = true

    init(driver: DeliveryDriver) { self.driver = driver }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        driver.ready(self, channel: context.channel)
        context.fireChannelActive()
    }

    func send(_ index: Int, due: UInt64, sentAt: UInt64, _ request: Workload.Request) {
        guard let context else { return }
        current = Current(index: index, due: due, sentAt: sentAt)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = UInt16(head.status.code)
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            // Nil when the driver gave up on it (timed out) and closes the connection.
            guard let attempt = current else { return }
            current = nil
            driver.answered(self, index: attempt.index, due: attempt.due, status: status, keepAlive: keepAlive)
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.lost(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
