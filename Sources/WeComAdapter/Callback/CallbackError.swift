/// Why a callback request (its signed query and its body) was not taken: the one error type of
/// `CallbackDecoder`, so that every bad input ends in one of these cases and nothing else.
///
/// Like its parts, it carries no secret material and is safe to log and to show.
public enum CallbackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The signature, the Base64, the ciphertext, its padding or its receiveid is wrong.
    case crypto(WeComCryptoError)
    /// The outer or the inner XML cannot be read.
    case decoding(WeComDecodingError)
    /// The signed `timestamp` query parameter is not a number of seconds.
    case invalidTimestamp(String)
    /// The signed `timestamp` is further from the server's clock than the window allows: a replay
    /// of an old callback, or a clock that is badly off.
    case timestampOutsideWindow(skewSeconds: UInt64, allowedSeconds: Int64)

    public var description: String {
        switch self {
        case .crypto(let error): error.description
        case .decoding(let error): error.description
        case .invalidTimestamp(let value): "the timestamp \"\(value.prefix(40))\" is not a number of seconds"
        case .timestampOutsideWindow(let skew, let allowed):
            "the callback's timestamp is \(skew) s away from the server's clock, more than the \(allowed) s allowed"
                + " (a replayed callback, or a server clock that is off)"
        }
    }
}
