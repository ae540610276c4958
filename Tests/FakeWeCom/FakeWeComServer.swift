import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle

/// A fake WeCom API on a real local socket: gettoken, message/send, update_template_card,
/// user/get and department/list, answering with WeCom's error codes. A sent card's answer carries a
/// `response_code` (`rc<n>`); an update with a code already used is refused, and so is a card whose
/// `task_id` was sent before (whichever server sent it: one fake can outlive a reinstall). Deliveries are stamped per
/// member (`FakeWeComState.useClock` for a test's clock), and `enforceMemberLimit` drops, silently as
/// WeCom does, what goes beyond 30 messages a minute or 1000 an hour to one member.
///
/// ```swift
/// let wecom = try await FakeWeComServer.start()
/// defer { Task { await wecom.stop() } }
/// // point the client or the server at wecom.baseURL
/// ```
public final class FakeWeComServer: Sendable {
    public let state: FakeWeComState
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    private let services: ServiceGroup
    private let task: Task<Void, any Error>

    private init(state: FakeWeComState, baseURL: String, services: ServiceGroup, task: Task<Void, any Error>) {
        self.state = state
        self.baseURL = baseURL
        self.services = services
        self.task = task
    }

    /// Starts the fake on a free port.
    public static func start(
        corpID: String = "wwfakecorp000001", secret: String = "fake-secret", agentID: Int = 1_000_002
    ) async throws -> FakeWeComServer {
        let state = FakeWeComState(corpID: corpID, secret: secret, agentID: agentID)
        let router = Router()
        addRoutes(to: router, state: state)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: {
                var logger = Logger(label: "FakeWeCom")
                logger.logLevel = .warning
                return logger
            }()
        )
        // Stopped by a graceful shutdown, never by cancelling the task that serves: cancelling it while a
        // connection is being accepted makes NIO trap ("Deinited NIOAsyncWriter without calling finish()",
        // apple/swift-nio#3481), which took a whole test run down once.
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "FakeWeCom")))
        let task = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await services.triggerGracefulShutdown()
            _ = await task.result
            throw FakeWeComError.didNotStart
        }
        return FakeWeComServer(state: state, baseURL: "http://127.0.0.1:\(port)", services: services, task: task)
    }

    /// Runs `body` with a fake that is started first and stopped however `body` ends.
    public static func with<Result>(_ body: (FakeWeComServer) async throws -> Result) async throws -> Result {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Stops the server: connections under way are finished, then it stops listening.
    public func stop() async {
        await services.triggerGracefulShutdown()
        _ = await task.result
    }

    private static func addRoutes(to router: Router<BasicRequestContext>, state: FakeWeComState) {
        router.get("cgi-bin/gettoken") { request, _ in
            if let fault = await state.takeFault("/cgi-bin/gettoken") { return respond(fault) }
            try await Task.sleep(for: await state.gettokenDelay)
            let query = request.uri.queryParameters
            return json(
                await state.issueToken(
                    corpID: query["corpid"].map(String.init) ?? "", secret: query["corpsecret"].map(String.init) ?? ""))
        }
        for path in ["cgi-bin/message/send", "cgi-bin/message/update_template_card"] {
            router.post(RouterPath(path)) { request, _ in
                let fullPath = "/" + path
                if path.hasSuffix("send") { await state.noteSendAttempt() }
                let body = try await request.body.collect(upTo: 1 << 20)
                if let fault = await state.takeFault(fullPath) { return respond(fault) }
                if let error = await state.checkToken(request.uri.queryParameters["access_token"].map(String.init)) {
                    return json(error)
                }
                guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                    return json(["errcode": 47001, "errmsg": "data format error"])
                }
                await state.beginSend()
                if let delay = await state.sendDelay(to: object["touser"] as? String) {
                    try? await Task.sleep(for: delay)
                }
                let answer = await state.acceptSend(path: fullPath, json: sendable(object))
                await state.endSend()
                return json(answer)
            }
        }
        router.get("cgi-bin/user/get") { request, _ in
            if let fault = await state.takeFault("/cgi-bin/user/get") { return respond(fault) }
            if let error = await state.checkToken(request.uri.queryParameters["access_token"].map(String.init)) {
                return json(error)
            }
            return json(await state.user(request.uri.queryParameters["userid"].map(String.init)))
        }
        router.get("cgi-bin/department/list") { request, _ in
            if let fault = await state.takeFault("/cgi-bin/department/list") { return respond(fault) }
            if let error = await state.checkToken(request.uri.queryParameters["access_token"].map(String.init)) {
                return json(error)
            }
            return json(await state.departmentList(root: request.uri.queryParameters["id"].flatMap { Int($0) }))
        }
    }

    private static func respond(_ fault: FakeWeComState.Fault) -> Response {
        switch fault {
        case .errcode(let code): json(["errcode": code, "errmsg": "injected fault"])
        case .httpStatus(let status): Response(status: .init(code: status))
        }
    }

    private static func json(_ object: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// JSONSerialization's values, which are Sendable in practice, typed so.
    private static func sendable(_ object: [String: Any]) -> [String: any Sendable] {
        object.mapValues { value in
            switch value {
            case let dictionary as [String: Any]: sendable(dictionary)
            case let array as [[String: Any]]: array.map(sendable)
            case let strings as [String]: strings
            case let string as String: string
            case let number as NSNumber: number.intValue
            default: "\(value)"
            }
        }
    }
}

public enum FakeWeComError: Error {
    case didNotStart
}
