/// A failed WeCom API call, classified by what the caller should do about it.
///
/// `errcode` and `errmsg` are WeCom's; the classification follows the protocol note §6.3.
public struct WeComAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, and so whether trying again can help.
    public enum Kind: String, Sendable, Equatable {
        /// System busy (-1), too many concurrent calls (45033), HTTP 5xx, network errors: retry with backoff.
        case transient
        /// API frequency limit (45009): retry after minutes, not seconds.
        case rateLimited
        /// The access token was invalid or expired even after a refresh: retry later.
        case tokenRejected
        /// Wrong corp id, secret, agent id, IP whitelist, or API not allowed: fix the configuration.
        case configuration
        /// The request itself is wrong (empty or oversized content, bad parameter): fix the payload.
        case invalidPayload
        /// The member, department or recipient list is unknown or not visible to the app.
        case recipientRejected
        /// An error code this client does not know.
        case unexpected
    }

    public var kind: Kind
    /// WeCom's errcode, or nil for HTTP and network failures.
    public var errcode: Int?
    /// WeCom's errmsg, or a description of the HTTP or network failure.
    public var message: String
    /// The API path that failed, without its query (which holds the token).
    public var path: String
    /// An earlier attempt of the same call went unanswered (a timeout, a network or HTTP error), so what
    /// it carried may have arrived even though this last attempt got an errcode.
    public var anEarlierAttemptWentUnanswered = false

    public init(kind: Kind, errcode: Int?, message: String, path: String) {
        self.kind = kind
        self.errcode = errcode
        self.message = message
        self.path = path
    }

    /// Whether the call may have delivered what it carried: an attempt that WeCom did not answer.
    public var mayHaveArrived: Bool { errcode == nil || anEarlierAttemptWentUnanswered }

    /// True when the same request may succeed later; false when only a change by a person can help.
    public var isRetryable: Bool {
        switch kind {
        case .transient, .rateLimited, .tokenRejected: true
        case .configuration, .invalidPayload, .recipientRejected, .unexpected: false
        }
    }

    /// The kind of an errcode WeCom returned.
    public static func kind(ofErrcode errcode: Int) -> Kind {
        switch errcode {
        case -1, 45033: .transient
        case 45009: .rateLimited
        case 40014, 42001, 41001: .tokenRejected
        case 40001, 40013, 41002, 41004, 40056, 48002, 60020: .configuration
        case 44004, 45002, 40058, 40008, 42045, 47001: .invalidPayload
        case 60111, 40003, 60011, 81013, 82001: .recipientRejected
        default: .unexpected
        }
    }

    public var description: String {
        let code = errcode.map { "errcode \($0)" } ?? "no errcode"
        let advice: String
        switch kind {
        case .transient: advice = "temporary, will retry"
        case .rateLimited: advice = "rate limited, will retry later"
        case .tokenRejected: advice = "access token rejected after a refresh, will retry"
        case .configuration:
            advice = "check WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID and the app's API permissions and trusted IPs"
        case .invalidPayload: advice = "the request was rejected as invalid"
        case .recipientRejected: advice = "the recipient is unknown or outside the app's visible range"
        case .unexpected: advice = "unexpected error"
        }
        return "WeCom \(path) failed (\(code): \(message)); \(advice)"
    }
}
