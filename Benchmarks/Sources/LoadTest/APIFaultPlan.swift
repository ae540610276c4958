/// How the fake WeCom API misbehaves during a fault phase (`apifail`): between `from` and `until`
/// (monotonic nanoseconds, `NIODeadline` uptime) a share of the calls fail, each with a fault drawn
/// from `mix`; once, at `invalidateTokenAt`, the access token handed out is invalidated (42001
/// until the server fetches a new one). `gettoken` itself never fails.
struct APIFaultPlan: Sendable {
    var from: UInt64
    var until: UInt64
    /// The share of calls in the window that fail (1: every call).
    var share: Double
    /// Each fault with its weight.
    var mix: [(fault: APIFault, weight: Double)]
    /// How long a slow answer takes; past StoreDesk's request timeout (10 s).
    var slowSeconds: Double
    var invalidateTokenAt: UInt64?

    /// The faults of `apifail` with the weights of `--api-fault-mix`, e.g. `busy=35,502=20,503=20,45009=22,slow=3`.
    static func mix(parsing text: String) throws -> [(fault: APIFault, weight: Double)] {
        try text.split(separator: ",").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, let fault = APIFault(rawValue: String(pieces[0])), let weight = Double(pieces[1]),
                weight >= 0
            else { throw LoadTestError("--api-fault-mix: cannot read \(part) (busy, 502, 503, 45009, slow = weight)") }
            return (fault, weight)
        }
    }
}

/// One way a WeCom API call fails.
enum APIFault: String, Sendable, CaseIterable {
    /// errcode -1, system busy (HTTP 200).
    case busy
    /// HTTP 502 from WeCom's gateway.
    case badGateway = "502"
    /// HTTP 503.
    case unavailable = "503"
    /// errcode 45009, the API's frequency limit.
    case rateLimited = "45009"
    /// Handled (a message is delivered) but answered only after `slowSeconds`: the caller times out
    /// without knowing whether it arrived.
    case slow
}
