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
/// signature, decrypt, decode, check the signed timestamp against the clock, store the message durably
/// (once per dedupe key) and answer an empty 200. Everything else happens in the inbox processor. The one passive reply: a click on a button of
/// the bot's own cards is answered with `update_button`, so the button greys out at once with its
/// new label (the answer itself follows through the outbox).
struct WeComCallbackController<Context: RequestContext> {
    /// The largest callback body accepted; WeCom's are a few KiB.
    static var maxBodyBytes: Int { 64 * 1024 }

    let channel: Channel
    let inbox: any InboxStore
    let processor: InboxProcessor
    let metrics: ServerMetrics
    /// Told when the database refuses a callback and when it takes one again (`/readyz` says why).
    let readiness: Readiness
    /// What a clicked button of the bot's cards turns into.
    let buttonChosenLabel: String
    let clock: any WallClock

    /// Whether the WeCom channel can take callbacks.
    enum Channel: Sendable {
        case on(CallbackDecoder)
        case off(reason: String)
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: verifyURL)
        group.post(use: receive)
    }

    @Sendable func verifyURL(_ request: Request, context: Context) async throws -> Response {
        let decoder = try configuredDecoder(context)
        let signature = try required(request, "msg_signature", context)
        let timestamp = try required(request, "timestamp", context)
        let nonce = try required(request, "nonce", context)
        let echostr = try required(request, "echostr", context)
        do throws(CallbackError) {
            let echo = try decoder.verifyURL(
                msgSignature: signature, timestamp: timestamp, nonce: nonce, echostr: echostr, now: clock.now())
            context.logger.info("WeCom URL verification answered")
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: echo)))
        } catch {
            throw rejection(error, context)
        }
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let decoder = try configuredDecoder(context)
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

        let decoded: CallbackDecoder.Decoded
        do throws(CallbackError) {
            decoded = try decoder.decode(
                body: Data(buffer: body), msgSignature: signature, timestamp: timestamp, nonce: nonce, now: clock.now())
        } catch {
            throw rejection(error, context)
        }
        let message = decoded.message
        let metadata: Logger.Metadata = ["key": "\(message.dedupeKey)", "user": "\(message.fromUser)"]
        let inserted: Bool
        do {
            inserted = try await inbox.accept(
                dedupeKey: message.dedupeKey, userID: message.fromUser, xml: decoded.xml, receivedAt: clock.now())
        } catch {
            // Not stored, so not acked: WeCom retries (three times in about 15 s). What was stored stays.
            let failure = StorageFailure(error)
            metrics.callbacksUnstored.increment()
            await readiness.storageFailed(failure)
            context.logger.error(
                "Cannot store a WeCom callback; answered 503 so that WeCom retries it",
                metadata: metadata.merging(["reason": "\(failure.kind.rawValue)", "error": "\(failure.message)"]) { $1 })
            throw APIError(.serviceUnavailable, "the message could not be stored: \(failure); WeCom will retry it")
        }
        await readiness.storageRecovered()
        if inserted {
            metrics.callbacksAccepted.increment()
            context.logger.info("Accepted WeCom callback", metadata: metadata)
            processor.submit(message.fromUser)
        } else {
            metrics.callbacksDuplicate.increment()
            context.logger.info("Ignored a redelivered WeCom callback", metadata: metadata)
        }
        if case .templateCardEvent(let event) = message.content, ChoiceAction(cardKey: event.eventKey) != nil {
            return try updateButton(for: message, crypto: decoder.crypto, timestamp: timestamp, nonce: nonce)
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

    private func configuredDecoder(_ context: Context) throws -> CallbackDecoder {
        switch channel {
        case .on(let decoder):
            return decoder
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

    private func rejection(_ error: CallbackError, _ context: Context) -> APIError {
        metrics.callbacksRejected.increment()
        switch error {
        case .timestampOutsideWindow:
            // A replay, or this server's clock is off (then every callback is refused: say so loudly).
            context.logger.warning("WeCom callback refused: timestamp outside the window", metadata: ["reason": "\(error)"])
            return APIError(.forbidden, error.description)
        case .crypto(.signatureMismatch), .crypto(.receiveIDMismatch):
            context.logger.warning("WeCom callback rejected", metadata: ["reason": "\(error)"])
            return APIError(.unauthorized, error.description)
        case .crypto, .decoding, .invalidTimestamp:
            context.logger.warning("WeCom callback rejected", metadata: ["reason": "\(error)"])
            return APIError(.badRequest, error.description)
        }
    }
}
