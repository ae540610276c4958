import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request, once its head has arrived, makes too little progress: each
/// `limit` must bring the end of the request or at least `progress` bytes of its body.
///
/// The idle timeout (`server.idleTimeoutSeconds`) cuts off a client that trickles its headers, but every
/// piece of a body resets it: a body sent a byte every 29 s would hold a connection for ever. A large
/// import on a slow link keeps going as long as it moves (64 KiB a minute is about 9 kbit/s). Closing is
/// all a server can do for such a client (there is no one to read a 408).
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private let progress: Int
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    /// Body bytes since the deadline was last set.
    private var received = 0

    init(limit: TimeAmount, progress: Int = 64 * 1024, logger: Logger) {
        self.limit = limit
        self.progress = progress
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            schedule(context)
        case .body(let buffer):
            received += buffer.readableBytes
            if received >= progress { schedule(context) }
        case .end:
            cancel()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func schedule(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        received = 0
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (logger, limit, progress) = (logger, limit, progress)
        let client = context.channel.remoteAddress.map { "\($0)" } ?? "-"
        deadline = context.eventLoop.scheduleTask(in: limit) {
            logger.notice(
                "Closed a connection whose request did not arrive whole in time",
                metadata: [
                    "client": "\(client)", "limitSeconds": "\(limit.nanoseconds / 1_000_000_000)",
                    "progressBytes": "\(progress)",
                ])
            bound.value.close(promise: nil)
        }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
        received = 0
    }
}
