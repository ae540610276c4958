import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A fast stand-in for WeCom's API (gettoken, message/send, update_template_card, user/get,
/// department/list) that records when each message was sent and to whom, on the generator's clock.
final class FakeWeComAPI: Sendable {
    /// One `message/send` as received.
    struct Send: Sendable {
        /// Monotonic nanoseconds (`NIODeadline` uptime), the generator's clock.
        var at: UInt64
        var toUser: String
        var msgType: String
        /// The text (or card title) sent.
        var content: String
        /// Sent with `enable_duplicate_check` (a resend that may have arrived before).
        var checked = false
    }

    /// A message delivered again (fault phases): what and when, to find it in the server's log.
    struct Repeat: Sendable {
        var toUser: String
        var content: String
        /// The earlier delivery and whether its call was answered too late (a slow fault).
        var firstAt: UInt64
        var firstAnsweredLate: Bool
        var againAt: UInt64
        var againChecked: Bool
    }

    struct Counts: Sendable {
        var tokens = 0
        var userLookups = 0
        var departmentLists = 0
        var cardUpdates = 0
        var malformed = 0
        /// message/send calls with `enable_duplicate_check`.
        var checkedSends = 0
        /// Checked sends identical to one delivered within their interval: answered ok, not delivered.
        var droppedDuplicates = 0
        /// Cards whose `task_id` was used before (refused with 40058, as WeCom refuses them).
        var repeatedTaskIDs = 0
        /// Calls answered 42001 because their access token had been invalidated.
        var tokenRejections = 0
        /// Calls (gettoken aside) inside a fault plan's window, and the faults injected into them.
        var callsInWindow = 0
        var faults: [APIFault: Int] = [:]
    }

    /// What the fake answers a request with.
    struct Answer: Sendable {
        var status: HTTPResponseStatus = .ok
        var body: ByteBuffer
        var contentType = "application/json; charset=utf-8"
        /// Answered only after this long (a slow WeCom).
        var delay: TimeAmount?
    }

    private enum Verdict {
        case normal
        case tokenRejected
        case fault(APIFault)
    }

    private struct State {
        var sends: [Send] = []
        var counts = Counts()
        /// Fault phases: WeCom's duplicate check applied, and what was delivered kept by `deliveryKey`.
        var checksDuplicates = false
        var delivered: [String: [UInt64]] = [:]
        var dropped: [Send] = []
        var repeats: [Repeat] = []
        /// Keys delivered by a call answered too late.
        var answeredLate: Set<String> = []
        var taskIDs: Set<String> = []
        var plan: APIFaultPlan?
        /// Tokens are `fake-token-N`; those numbered up to `revokedUpTo` are invalid.
        var tokenNumber = 0
        var revokedUpTo = 0
        var tokenInvalidated = false
        var random = SplitMix64(seed: 11)

        mutating func verdict(token: String?, now: UInt64) -> Verdict {
            guard let plan else { return .normal }
            if let at = plan.invalidateTokenAt, !tokenInvalidated, now >= at {
                // Every token handed out so far is void: the next call with it gets 42001.
                tokenInvalidated = true
                revokedUpTo = tokenNumber
            }
            if let token, let number = Int(token.dropFirst(FakeWeComAPI.tokenPrefix.count)), number <= revokedUpTo {
                counts.tokenRejections += 1
                return .tokenRejected
            }
            guard now >= plan.from, now < plan.until else { return .normal }
            counts.callsInWindow += 1
            guard Double(random.next() >> 11) / Double(1 << 53) < plan.share else { return .normal }
            let total = plan.mix.reduce(0) { $0 + $1.weight }
            guard total > 0 else { return .normal }
            var draw = Double(random.next() >> 11) / Double(1 << 53) * total
            for (fault, weight) in plan.mix {
                if draw < weight {
                    counts.faults[fault, default: 0] += 1
                    return .fault(fault)
                }
                draw -= weight
            }
            let last = plan.mix[plan.mix.count - 1].fault
            counts.faults[last, default: 0] += 1
            return .fault(last)
        }
    }

    static let tokenPrefix = "fake-token-"

    private let state = NIOLockedValueBox(State())
    private let departments: ByteBuffer
    let corpus: Corpus

    static let regions = ["华东区", "华南区", "华北区", "华中区", "西南区", "西北区"]

    init(corpus: Corpus) {
        self.corpus = corpus
        var list: [[String: Any]] = [["id": 1, "name": "总部", "parentid": 0, "order": 1]]
        for (offset, name) in Self.regions.enumerated() {
            list.append(["id": 2 + offset, "name": name, "parentid": 1, "order": offset])
        }
        for store in 1...corpus.stores {
            list.append(
                ["id": 10_000 + store, "name": String(format: "门店%04d", store), "parentid": 2 + store % 6, "order": store])
        }
        let json = try! JSONSerialization.data(withJSONObject: ["errcode": 0, "errmsg": "ok", "department": list])
        departments = ByteBuffer(bytes: json)
    }

    /// Listens on 127.0.0.1:`port` on `group` until the returned channel is closed.
    func start(group: any EventLoopGroup, port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeWeComHandler(api: self))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    /// Forgets what was recorded (a new server under test).
    /// - Parameters:
    ///   - checksDuplicates: apply WeCom's duplicate check and refuse a used card `task_id` (fault phases;
    ///     the other phases send nothing checked and skip the bookkeeping).
    ///   - plan: faults to inject, if any.
    func reset(checksDuplicates: Bool = false, plan: APIFaultPlan? = nil) {
        state.withLockedValue { state in
            state = State()
            state.checksDuplicates = checksDuplicates
            state.plan = plan
        }
    }

    /// Sets the fault plan (its window is known only once the phase starts).
    func setPlan(_ plan: APIFaultPlan?) {
        state.withLockedValue { $0.plan = plan }
    }

    func sends() -> [Send] { state.withLockedValue { $0.sends } }
    /// Checked sends dropped as duplicates (fault phases).
    func droppedSends() -> [Send] { state.withLockedValue { $0.dropped } }
    /// Messages delivered more than once (fault phases).
    func repeats() -> [Repeat] { state.withLockedValue { $0.repeats } }
    /// When each `deliveryKey` was delivered (fault phases).
    func deliveredTimes() -> [String: [UInt64]] { state.withLockedValue { $0.delivered } }
    func sendCount() -> Int { state.withLockedValue { $0.sends.count } }
    func counts() -> Counts { state.withLockedValue { $0.counts } }

    /// The answer to one request: status, JSON body and, for a slow WeCom, a delay.
    func respond(to head: HTTPRequestHead, body: ByteBuffer?) -> Answer {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        if path == "/cgi-bin/gettoken" {
            let number = state.withLockedValue { state in
                state.counts.tokens += 1
                state.tokenNumber += 1
                return state.tokenNumber
            }
            return Answer(
                body: ByteBuffer(
                    string: #"{"errcode":0,"errmsg":"ok","access_token":"\#(Self.tokenPrefix)\#(number)","expires_in":7200}"#))
        }
        let now = NIODeadline.now().uptimeNanoseconds
        let token = Self.query(head.uri, "access_token")
        var delay: TimeAmount?
        switch state.withLockedValue({ $0.verdict(token: token, now: now) }) {
        case .normal:
            break
        case .tokenRejected:
            return Answer(body: ByteBuffer(string: #"{"errcode":42001,"errmsg":"access_token expired"}"#))
        case .fault(.busy):
            return Answer(body: ByteBuffer(string: #"{"errcode":-1,"errmsg":"system busy"}"#))
        case .fault(.rateLimited):
            return Answer(body: ByteBuffer(string: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#))
        case .fault(.badGateway):
            return Answer(
                status: .badGateway, body: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>"),
                contentType: "text/html")
        case .fault(.unavailable):
            return Answer(
                status: .serviceUnavailable, body: ByteBuffer(string: "<html><body>503 Service Unavailable</body></html>"),
                contentType: "text/html")
        case .fault(.slow):
            // Handled as usual (a message is delivered), answered too late for the caller.
            let seconds = state.withLockedValue { $0.plan?.slowSeconds ?? 12 }
            delay = .milliseconds(Int64(seconds * 1000))
        }
        var answer = Answer(body: handle(path: path, head: head, body: body, now: now, late: delay != nil))
        answer.delay = delay
        return answer
    }

    private func handle(path: String, head: HTTPRequestHead, body: ByteBuffer?, now: UInt64, late: Bool) -> ByteBuffer {
        switch path {
        case "/cgi-bin/message/send":
            guard let body, let parsed = Self.parseSend(body, at: now) else {
                state.withLockedValue { $0.counts.malformed += 1 }
                return ByteBuffer(string: #"{"errcode":44004,"errmsg":"empty content"}"#)
            }
            let outcome = state.withLockedValue { state -> (number: Int, refused: Bool) in
                if parsed.send.checked { state.counts.checkedSends += 1 }
                if state.checksDuplicates {
                    // WeCom's duplicate check: an identical request delivered within the interval is dropped.
                    if parsed.send.checked,
                        state.delivered[parsed.key]?.contains(where: { now &- $0 < parsed.intervalNanos }) == true
                    {
                        state.dropped.append(parsed.send)
                        state.counts.droppedDuplicates += 1
                        return (state.dropped.count, false)
                    }
                    if let taskID = parsed.taskID, !state.taskIDs.insert(taskID).inserted {
                        state.counts.repeatedTaskIDs += 1
                        return (0, true)
                    }
                    if let first = state.delivered[parsed.key]?.first {
                        state.repeats.append(
                            Repeat(
                                toUser: parsed.send.toUser, content: parsed.send.content, firstAt: first,
                                firstAnsweredLate: state.answeredLate.contains(parsed.key), againAt: now,
                                againChecked: parsed.send.checked))
                    }
                    state.delivered[parsed.key, default: []].append(now)
                    if late { state.answeredLate.insert(parsed.key) }
                }
                state.sends.append(parsed.send)
                return (state.sends.count, false)
            }
            if outcome.refused {
                return ByteBuffer(string: #"{"errcode":40058,"errmsg":"task_id exists"}"#)
            }
            return ByteBuffer(
                string:
                    #"{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"m\#(outcome.number)","response_code":"rc\#(outcome.number)"}"#
            )
        case "/cgi-bin/message/update_template_card":
            state.withLockedValue { $0.counts.cardUpdates += 1 }
            return ByteBuffer(string: #"{"errcode":0,"errmsg":"ok"}"#)
        case "/cgi-bin/user/get":
            state.withLockedValue { $0.counts.userLookups += 1 }
            let user = Self.query(head.uri, "userid") ?? ""
            guard let store = corpus.store(ofUser: user) else {
                return ByteBuffer(string: #"{"errcode":60111,"errmsg":"userid not found"}"#)
            }
            return ByteBuffer(
                string:
                    #"{"errcode":0,"errmsg":"ok","userid":"\#(user)","name":"店员\#(user)","department":[\#(10_000 + store)],"main_department":\#(10_000 + store)}"#
            )
        case "/cgi-bin/department/list":
            state.withLockedValue { $0.counts.departmentLists += 1 }
            return departments
        default:
            return ByteBuffer(string: #"{"errcode":404,"errmsg":"no such API in the fake"}"#)
        }
    }

    /// A message/send as the fake keeps it.
    private struct ParsedSend {
        var send: Send
        /// `deliveryKey`: what the duplicate check compares.
        var key: String
        var intervalNanos: UInt64
        var taskID: String?
    }

    /// What WeCom's duplicate check compares and the benchmark matches outbox rows with: recipients,
    /// type and content (a card by its `task_id`, unique per card).
    static func deliveryKey(toUser: String, type: String, content: String) -> String {
        toUser + "\u{1F}" + type + "\u{1F}" + content
    }

    private static func parseSend(_ body: ByteBuffer, at now: UInt64) -> ParsedSend? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return nil }
        let toUser = object["touser"] as? String ?? ""
        let type = object["msgtype"] as? String ?? ""
        var content = ""
        var matched = ""
        var taskID: String?
        if let inner = object[type] as? [String: Any] {
            if let text = inner["content"] as? String {
                content = text
                matched = text
            } else if let title = (inner["main_title"] as? [String: Any])?["title"] as? String {
                content = title
            }
            if let task = inner["task_id"] as? String {
                taskID = task
                matched = task
            } else if let media = inner["media_id"] as? String {
                matched = media
            }
        }
        let checked = (object["enable_duplicate_check"] as? Int) == 1
        let interval = object["duplicate_check_interval"] as? Int ?? 1800
        return ParsedSend(
            send: Send(at: now, toUser: toUser, msgType: type, content: content, checked: checked),
            key: deliveryKey(toUser: toUser, type: type, content: matched),
            intervalNanos: UInt64(max(1, interval)) * 1_000_000_000, taskID: taskID)
    }

    private static func query(_ uri: String, _ name: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name) {
                return parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
            }
        }
        return nil
    }
}

/// One connection to the fake API.
final class FakeWeComHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: FakeWeComAPI
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(api: FakeWeComAPI) { self.api = api }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            let answer = api.respond(to: head, body: body)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: answer.contentType)
            headers.add(name: "Content-Length", value: String(answer.body.readableBytes))
            let keepAlive = head.isKeepAlive
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let responseHead = HTTPResponseHead(version: head.version, status: answer.status, headers: headers)
            self.head = nil
            guard let delay = answer.delay else {
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let channel = context.channel
                    done.whenComplete { _ in channel.close(promise: nil) }
                }
                return
            }
            // A slow WeCom: the caller has usually given up and closed the connection by then.
            let channel = context.channel
            let late = answer.body
            context.eventLoop.scheduleTask(in: delay) {
                channel.write(HTTPServerResponsePart.head(responseHead), promise: nil)
                channel.write(HTTPServerResponsePart.body(.byteBuffer(late)), promise: nil)
                let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
                if !keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
            }
        }
    }
}
