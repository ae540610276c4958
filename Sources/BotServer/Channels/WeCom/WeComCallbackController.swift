import Escalation
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import Prometheus
import WeComAdapter

/// `GET /wecom/callback` (URL verification) and `POST /wecom/callback` (messages and events).
///
/// The POST does only what must happen inside WeCom's 5-second window: check the size, verify the
/// signature, decrypt, decode, store the message durably (once per dedupe key) and answer an empty
/// 200. Everything else happens in the inbox processor. The one passive reply: a click on a button of
/// the bot's own cards is answered with `update_button`, so the button greys out at once with its
/// new label (the answer itself follows through the outbox).
struct WeComCallbackController<Context: RequestContext> {
    /// The largest callback body accepted; WeCom's are a few KiB.
    static var maxBodyBytes: Int { 64 * 1024 }

    let channel: Channel
    let inbox: any InboxStore
    let processor: InboxProcessor
    let metrics: ServerMetrics
    /// What a clicked button of the bot's cards turns into.
    let buttonChosenLabel: String
    let clock: any WallClock

    /// Whether the WeCom channel can take callbacks.
    enum Channel: Sendable {
        case on(WeComCrypto)
        case off(reason: String)
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: verifyURL)
        group.post(use: receive)
    }

    @Sendable func verifyURL(_ request: Request, context: Context) async throws -> Response {
        let crypto = try configuredCrypto(context)
        let signature = try required(request, "msg_signature", context)
        let timestamp = try required(request, "timestamp", context)
        let nonce = try required(request, "nonce", context)
        let echostr = try required(request, "echostr", context)
        do throws(WeComCryptoError) {
            let echo = try crypto.verifyURL(msgSignature: signature, timestamp: timestamp, nonce: nonce, echostr: echostr)
            context.logger.info("WeCom URL verification answered")
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: echo)))
        } catch {
            throw rejection(error, context)
        }
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let crypto = try configuredCrypto(context)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            throw tooLarge(context)
        }
        let signature = try required(request, "msg_signature", context)
        let timestamp = try required(request, "timestamp", context)
        let nonce = try required(request, "nonce", context)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw tooLarge(context)
        }

        let message: CallbackMessage
        do {
            let envelope = try CallbackEnvelope(xml: Data(buffer: body))
            let xml = try crypto.decryptMessage(
                encrypted: envelope.encrypted, msgSignature: signature, timestamp: timestamp, nonce: nonce)
            message = try CallbackMessage(xml: xml)
            let inserted = try await inbox.accept(
                dedupeKey: message.dedupeKey, userID: message.fromUser, xml: xml, receivedAt: clock.now())
            let metadata: Logger.Metadata = ["key": "\(message.dedupeKey)", "user": "\(message.fromUser)"]
            if inserted {
                metrics.callbacksAccepted.increment()
                context.logger.info("Accepted WeCom callback", metadata: metadata)
                processor.submit(message.fromUser)
            } else {
                metrics.callbacksDuplicate.increment()
                context.logger.info("Ignored a redelivered WeCom callback", metadata: metadata)
            }
        } catch let error as WeComCryptoError {
            throw rejection(error, context)
        } catch let error as WeComDecodingError {
            throw rejection(error, context)
        }
        if case .templateCardEvent(let event) = message.content, ChoiceAction(cardKey: event.eventKey) != nil {
            return try updateButton(for: message, crypto: crypto, timestamp: timestamp, nonce: nonce)
        }
        return Response(status: .ok)
    }

    /// The encrypted `update_button` passive reply (also to a redelivery: the first answer may have been lost).
    private func updateButton(
        for message: CallbackMessage, crypto: WeComCrypto, timestamp: String, nonce: String
    ) throws -> Response {
        let reply = PassiveReply.updateButton(
            toUser: message.fromUser, corpID: message.corpID, replaceName: buttonChosenLabel,
            createTime: Int64(clock.now().timeIntervalSince1970))
        let body = try crypto.encryptedReply(reply, timestamp: timestamp, nonce: nonce)
        return Response(
            status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: - Rejections, each with a log line

    private func configuredCrypto(_ context: Context) throws -> WeComCrypto {
        switch channel {
        case .on(let crypto):
            return crypto
        case .off(let reason):
            context.logger.warning("WeCom callback refused: channel off", metadata: ["reason": "\(reason)"])
            throw APIError(.serviceUnavailable, reason)
        }
    }

    private func required(_ request: Request, _ name: String, _ context: Context) throws -> String {
        guard let value = request.uri.queryParameters[name[...]], !value.isEmpty else {
            metrics.callbacksRejected.increment()
            context.logger.warning("WeCom callback rejected: missing \(name)")
            throw APIError(.unauthorized, "missing \(name)")
        }
        return String(value)
    }

    private func tooLarge(_ context: Context) -> APIError {
        metrics.callbacksRejected.increment()
        context.logger.warning("WeCom callback rejected: body over \(Self.maxBodyBytes) bytes")
        return APIError(.contentTooLarge, "the callback body is larger than \(Self.maxBodyBytes) bytes")
    }

    private func rejection(_ error: WeComCryptoError, _ context: Context) -> APIError {
        metrics.callbacksRejected.increment()
        context.logger.warning("WeCom callback rejected", metadata: ["reason": "\(error)"])
        switch error {
        case .signatureMismatch, .receiveIDMismatch:
            return APIError(.unauthorized, error.description)
        default:
            return APIError(.badRequest, error.description)
        }
    }

    private func rejection(_ error: WeComDecodingError, _ context: Context) -> APIError {
        metrics.callbacksRejected.increment()
        context.logger.warning("WeCom callback rejected", metadata: ["reason": "\(error)"])
        return APIError(.badRequest, error.description)
    }
}
