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
    }

    struct Counts: Sendable {
        var tokens = 0
        var userLookups = 0
        var departmentLists = 0
        var cardUpdates = 0
        var malformed = 0
    }

    private struct State {
        var sends: [Send] = []
        var counts = Counts()
    }

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
    func reset() {
        state.withLockedValue { $0 = State() }
    }

    func sends() -> [Send] { state.withLockedValue { $0.sends } }
    func sendCount() -> Int { state.withLockedValue { $0.sends.count } }
    func counts() -> Counts { state.withLockedValue { $0.counts } }

    /// The answer to one request: status and JSON body.
    func respond(to head: HTTPRequestHead, body: ByteBuffer?) -> ByteBuffer {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch path {
        case "/cgi-bin/gettoken":
            state.withLockedValue { $0.counts.tokens += 1 }
            return ByteBuffer(string: #"{"errcode":0,"errmsg":"ok","access_token":"fake-token","expires_in":7200}"#)
        case "/cgi-bin/message/send":
            let now = NIODeadline.now().uptimeNanoseconds
            guard let body, let send = Self.parseSend(body, at: now) else {
                state.withLockedValue { $0.counts.malformed += 1 }
                return ByteBuffer(string: #"{"errcode":44004,"errmsg":"empty content"}"#)
            }
            let number = state.withLockedValue { state in
                state.sends.append(send)
                return state.sends.count
            }
            return ByteBuffer(
                string: #"{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"m\#(number)","response_code":"rc\#(number)"}"#)
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

    private static func parseSend(_ body: ByteBuffer, at now: UInt64) -> Send? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return nil }
        let toUser = object["touser"] as? String ?? ""
        let type = object["msgtype"] as? String ?? ""
        var content = ""
        if let inner = object[type] as? [String: Any] {
            if let text = inner["content"] as? String {
                content = text
            } else if let title = (inner["main_title"] as? [String: Any])?["title"] as? String {
                content = title
            }
        }
        return Send(at: now, toUser: toUser, msgType: type, content: content)
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
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Content-Length", value: String(answer.readableBytes))
            let keepAlive = head.isKeepAlive
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(answer))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
            self.head = nil
        }
    }
}
