import NIOCore
import NIOHTTP1
import NIOPosix

/// One GET on a new connection, for readiness checks: the status code, or nil when nothing answers.
enum ProbeHTTP {
    static func get(group: any EventLoopGroup, port: Int, path: String) async -> UInt16? {
        let promise = group.next().makePromise(of: UInt16.self)
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            do {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(StatusCatcher(promise: promise))
                return channel.eventLoop.makeSucceededVoidFuture()
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        do {
            let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1")
            headers.add(name: "Connection", value: "close")
            try await channel.writeAndFlush(
                HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)))
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
            let code = try await promise.futureResult.get()
            try? await channel.close()
            return code
        } catch {
            promise.fail(error)
            return nil
        }
    }

    private final class StatusCatcher: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<UInt16>
        init(promise: EventLoopPromise<UInt16>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) { promise.succeed(UInt16(head.status.code)) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(ChannelError.eof)
        }
    }
}
