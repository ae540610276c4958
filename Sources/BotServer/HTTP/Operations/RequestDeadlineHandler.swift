import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request, once its head has arrived, has not arrived whole within `limit`.
///
/// The idle timeout (`server.idleTimeoutSeconds`) cuts off a client that trickles its headers, but every
/// piece of a body resets it: a body sent a byte every 29 s would hold a connection for ever. Closing is
/// all a server can do for such a client (there is no one to read a 408).
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let (logger, limit) = (logger, limit)
            deadline = context.eventLoop.scheduleTask(in: limit) {
                logger.notice(
                    "Closed a connection whose request did not arrive whole in time",
                    metadata: ["limitSeconds": "\(limit.nanoseconds / 1_000_000_000)"])
                bound.value.close(promise: nil)
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
