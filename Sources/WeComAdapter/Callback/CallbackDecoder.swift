import Foundation

/// Reads a callback request as WeCom sends it, from its signed query parameters and its body, into a
/// message, or throws one `CallbackError`: the whole path from bytes on the wire to `CallbackMessage`.
///
/// ```swift
/// let decoder = CallbackDecoder(crypto: crypto, maxClockSkew: .seconds(3600))
/// let callback = try decoder.decode(body: body, msgSignature: s, timestamp: t, nonce: n, now: clock.now())
/// ```
///
/// The order is fixed: signature, decryption, XML, and only then the timestamp window, so that the
/// answer to a broken callback names what is broken, and a refused timestamp is reported only for a
/// callback that is otherwise genuine.
public struct CallbackDecoder: Sendable {
    /// The app's callback cryptography.
    public let crypto: WeComCrypto
    /// How far the signed `timestamp` may be from the server's clock, either way; nil accepts any.
    ///
    /// The signature covers the timestamp, so an attacker cannot move it: a captured callback can be
    /// replayed only within the window, where the dedupe key (MsgId) recognises it.
    public let maxClockSkew: Duration?

    /// A decoded callback: the message, and the inner XML exactly as decrypted (what the inbox stores).
    public struct Decoded: Sendable, Equatable {
        public var message: CallbackMessage
        public var xml: String

        public init(message: CallbackMessage, xml: String) {
            self.message = message
            self.xml = xml
        }
    }

    public init(crypto: WeComCrypto, maxClockSkew: Duration? = .seconds(3600)) {
        self.crypto = crypto
        self.maxClockSkew = maxClockSkew
    }

    /// Verifies, decrypts and decodes the body of a callback POST.
    ///
    /// - Parameters:
    ///   - body: the POST body (`<xml><ToUserName/><AgentID/><Encrypt/></xml>`).
    ///   - msgSignature, timestamp, nonce: the query parameters of the request.
    ///   - now: the server's time, for the timestamp window.
    public func decode(
        body: Data, msgSignature: String, timestamp: String, nonce: String, now: Date
    ) throws(CallbackError) -> Decoded {
        let envelope: CallbackEnvelope
        do {
            envelope = try CallbackEnvelope(xml: body)
        } catch {
            throw .decoding(error)
        }
        let xml: String
        do {
            xml = try crypto.decryptMessage(
                encrypted: envelope.encrypted, msgSignature: msgSignature, timestamp: timestamp, nonce: nonce)
        } catch {
            throw .crypto(error)
        }
        let message: CallbackMessage
        do {
            message = try CallbackMessage(xml: xml)
        } catch {
            throw .decoding(error)
        }
        try checkTimestamp(timestamp, now: now)
        return Decoded(message: message, xml: xml)
    }

    /// Answers WeCom's URL verification (the GET): the plain echo string, once the signature, the
    /// echostr and the timestamp are all good.
    public func verifyURL(
        msgSignature: String, timestamp: String, nonce: String, echostr: String, now: Date
    ) throws(CallbackError) -> String {
        let echo: String
        do {
            echo = try crypto.verifyURL(msgSignature: msgSignature, timestamp: timestamp, nonce: nonce, echostr: echostr)
        } catch {
            throw .crypto(error)
        }
        try checkTimestamp(timestamp, now: now)
        return echo
    }

    /// Throws unless `timestamp` is whole seconds within `maxClockSkew` of `now` (anything, without a window).
    public func checkTimestamp(_ timestamp: String, now: Date) throws(CallbackError) {
        guard let maxClockSkew else { return }
        guard let seconds = Int64(timestamp) else { throw .invalidTimestamp(timestamp) }
        let allowed = maxClockSkew.components.seconds
        // Int64.min and .max are valid input: measure without overflowing.
        let (difference, overflow) = Int64(now.timeIntervalSince1970.rounded(.down))
            .subtractingReportingOverflow(seconds)
        guard !overflow else { throw .timestampOutsideWindow(skewSeconds: UInt64.max, allowedSeconds: allowed) }
        guard difference.magnitude <= allowed.magnitude else {
            throw .timestampOutsideWindow(skewSeconds: difference.magnitude, allowedSeconds: allowed)
        }
    }
}
