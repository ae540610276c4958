import NIOCore
import NIOHTTP1
import NIOPosix

/// How a phase issues its callbacks.
enum Pace: Sendable {
    /// Every connection sends its next callback as soon as the last one is answered (closed loop).
    case saturation(seconds: Double)
    /// Callback `i` is due at `start + i / perSecond` (open loop): a slow answer delays nothing, and
    /// latency counts from when a callback was due, so queueing in the generator is not hidden.
    case fixedRate(perSecond: Double)
}

/// What a phase measured, request by request.
struct LoadOutcome: Sendable {
    /// HTTP status per request; 0 when it was not sent or its connection failed.
    var status: [UInt16]
    /// When each request was written (monotonic nanoseconds, `NIODeadline` uptime).
    var sentAt: [UInt64]
    /// From when it was due (fixed rate) or written (saturation) to the end of its response.
    var latency: [UInt64]
    var startedAt: UInt64
    var finishedAt: UInt64
    var issued: Int
    var connectionFailures: Int
}

/// Drives keep-alive connections on one event loop; every piece of its state lives on that loop.
final class LoadDriver: @unchecked Sendable {
    private let loop: any EventLoop
    private let host: String
    private let port: Int
    private let connectionCount: Int
    private let requests: [Workload.Request]
    private let pace: Pace
    private let promise: EventLoopPromise<LoadOutcome>

    private var status: [UInt16]
    private var sentAt: [UInt64]
    private var latency: [UInt64]
    private var startedAt: UInt64 = 0
    private var deadline: UInt64 = .max
    private var next = 0
    private var inFlight = 0
    private var failures = 0
    private var idle: [LoadConnection] = []
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var timer: RepeatedTask?
    private var finished = false

    init(loop: any EventLoop, host: String, port: Int, connections: Int, workload: Workload, pace: Pace) {
        self.loop = loop
        self.host = host
        self.port = port
        self.connectionCount = connections
        self.requests = workload.requests
        self.pace = pace
        self.promise = loop.makePromise()
        status = Array(repeating: 0, count: workload.requests.count)
        sentAt = Array(repeating: 0, count: workload.requests.count)
        latency = Array(repeating: 0, count: workload.requests.count)
    }

    /// Runs the phase to its end: the deadline (saturation) or the last callback (fixed rate), then
    /// waits for the answers still under way.
    func run() async throws -> LoadOutcome {
        loop.execute { self.start() }
        return try await promise.futureResult.get()
    }

    private func start() {
        startedAt = NIODeadline.now().uptimeNanoseconds
        switch pace {
        case .saturation(let seconds):
            deadline = startedAt + UInt64(seconds * 1e9)
            loop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(deadline)) { self.checkDone() }
        case .fixedRate:
            timer = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { _ in self.dispatch() }
        }
        for _ in 0..<connectionCount { connect() }
    }

    private func connect() {
        guard !finished else { return }
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(LoadConnection(driver: self))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { _ in
            self.failures += 1
            // The server may be restarting or out of sockets: try again shortly, until the phase ends.
            self.loop.scheduleTask(in: .milliseconds(20)) { self.connect() }
        }
    }

    // MARK: - Called by the connections, on the loop

    func ready(_ connection: LoadConnection, channel: any Channel) {
        channels[ObjectIdentifier(connection)] = channel
        idle.append(connection)
        dispatch()
    }

    func answered(_ connection: LoadConnection, index: Int, status code: UInt16, keepAlive: Bool) {
        let now = NIODeadline.now().uptimeNanoseconds
        status[index] = code
        latency[index] = now &- dueTime(index)
        inFlight -= 1
        if keepAlive, !finished {
            idle.append(connection)
            dispatch()
        }
        checkDone()
    }

    func lost(_ connection: LoadConnection, channel: any Channel) {
        channels[ObjectIdentifier(connection)] = nil
        idle.removeAll { $0 === connection }
        if connection.current != nil {
            failures += 1
            inFlight -= 1
        }
        if !finished {
            loop.scheduleTask(in: .milliseconds(1)) { self.connect() }
        }
        checkDone()
    }

    // MARK: - Pacing

    private func dueTime(_ index: Int) -> UInt64 {
        switch pace {
        case .saturation: sentAt[index]
        case .fixedRate(let rate): startedAt + UInt64(Double(index) / rate * 1e9)
        }
    }

    private func nextDue(now: UInt64) -> Int? {
        guard next < requests.count else { return nil }
        switch pace {
        case .saturation:
            guard now < deadline else { return nil }
        case .fixedRate(let rate):
            let due = Int(Double(now &- startedAt) / 1e9 * rate) + 1
            guard next < due else { return nil }
        }
        defer { next += 1 }
        return next
    }

    private func dispatch() {
        guard !finished else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        while !idle.isEmpty, let index = nextDue(now: now) {
            let connection = idle.removeLast()
            sentAt[index] = now
            inFlight += 1
            connection.send(index, requests[index])
        }
        checkDone()
    }

    private func checkDone() {
        guard !finished, inFlight == 0 else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        let exhausted = next >= requests.count
        let pastDeadline: Bool =
            if case .saturation = pace { now >= deadline } else { false }
        guard exhausted || pastDeadline else { return }
        finished = true
        timer?.cancel()
        for channel in channels.values { channel.close(promise: nil) }
        promise.succeed(
            LoadOutcome(
                status: status, sentAt: sentAt, latency: latency, startedAt: startedAt, finishedAt: now, issued: next,
                connectionFailures: failures))
    }
}

/// One keep-alive connection: one callback at a time.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let driver: LoadDriver
    private var context: ChannelHandlerContext?
    private(set) var current: Int?
    private var status: UInt16 = 0
    private var keepAlive = true

    init(driver: LoadDriver) { self.driver = driver }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        driver.ready(self, channel: context.channel)
        context.fireChannelActive()
    }

    func send(_ index: Int, _ request: Workload.Request) {
        guard let context else { return }
        current = index
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
            guard let index = current else { return }
            current = nil
            driver.answered(self, index: index, status: status, keepAlive: keepAlive)
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.lost(self, channel: context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
