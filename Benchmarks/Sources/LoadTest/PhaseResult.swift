/// What one phase against one server measured.
struct PhaseResult: Sendable {
    var target: Target
    var phase: Phase
    var seconds: Double
    var issued: Int
    var acked: Int
    var refused: Int
    var connectionFailures: Int
    var ack: Percentiles
    var send: Percentiles
    /// Acknowledged callbacks with no message/send quoting their question before the drain ended (an
    /// answer quotes it; a suggestion card or a hand-over text does not, so a few are expected).
    var unanswered: Int
    /// message/send calls the fake API took from the phase's start to the end of the drain.
    var sends: Int
    var peakBacklog: Int
    var backlogAtEnd: Int
    /// From the phase's last callback until the inbox was empty; nil when it was not within the bound.
    var drainSeconds: Double?
    var serverCPUSeconds: Double
    var serverUserSeconds: Double
    var serverSystemSeconds: Double
    var generatorCPUSeconds: Double
    /// CPU seconds the rest of the machine used meanwhile (other builds and tests on a shared machine).
    var otherCPUSeconds: Double
    var peakRSSBytes: Int
    /// Rows in the inbox after the run, against the callbacks acknowledged (warm-up included).
    var storedRows: Int
    var ackedInAll: Int
    var threadCPU: [(String, Double)]
    /// The kill and apifail phases' own figures.
    var faults: FaultFigures? = nil

    var ackedPerSecond: Double { Double(acked) / seconds }
    var serverCores: Double { serverCPUSeconds / seconds }
    /// Server CPU per acknowledged callback, milliseconds (accepting and answering together).
    var cpuMillisecondsPerCallback: Double { acked > 0 ? serverCPUSeconds * 1000 / Double(acked) : 0 }
}

enum Target: String, Sendable, CaseIterable {
    case storedesk
    case peer

    var title: String {
        switch self {
        case .storedesk: "StoreDesk"
        case .peer: "Python peer"
        }
    }
}

enum Phase: String, Sendable, CaseIterable {
    case saturation
    case fixed
    /// Saturation with WeCom's redeliveries only (MsgIds already stored): the whole ack path (verify,
    /// decrypt, decode, the deduplicating insert) with nothing new to answer, so its own ceiling.
    case redelivery
    /// A fixed rate while StoreDesk is killed (SIGKILL) and restarted on the same data every few
    /// seconds, with WeCom's retries of unacknowledged callbacks. StoreDesk only; not run by default.
    case kill
    /// A fixed rate while the fake WeCom API fails for a while (busy, 5xx, slow, rate limited, a
    /// revoked token). StoreDesk only; not run by default.
    case apifail

    /// Phases that break something on purpose: measured with WeCom's retries and audited afterwards.
    var isFault: Bool { self == .kill || self == .apifail }
}
