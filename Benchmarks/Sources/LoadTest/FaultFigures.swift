/// What a kill or apifail phase measured beyond the figures every phase has.
struct FaultFigures: Sendable {
    // MARK: WeCom's delivery of the callbacks

    /// Attempts made, the first ones and WeCom's retries.
    var attempts = 0
    /// Attempts that got no 2xx, by why.
    var failedAttempts: [DeliveryFailure: Int] = [:]
    /// Callbacks acknowledged only by a retry.
    var ackedAfterRetry = 0
    /// Callbacks never acknowledged within WeCom's retries: WeCom gives them up.
    var droppedByWeCom = 0
    /// From when a callback was first due to its acknowledgement (retries included).
    var firstDueToAck = Percentiles([])

    // MARK: kill

    struct Restart: Sendable {
        /// When StoreDesk was killed, seconds into the phase.
        var killedAt: Double
        /// From SIGKILL to /readyz answering 200.
        var downSeconds: Double
        /// From the new process's start to /readyz answering 200.
        var startToReadySeconds: Double
        /// Attempts that failed from the kill until a second after ready.
        var failedAttempts: Int
        /// From the kill to the next callback acknowledged.
        var acksResumedAfter: Double?
    }

    var restarts: [Restart] = []

    // MARK: The audit (StoreDesk's database against what the fake WeCom API delivered)

    /// The phase's acknowledged messages and how the inbox holds them.
    var ackedMessages = 0
    var ackedStoredOnce = 0
    var ackedMissing = 0
    var storedMoreThanOnce = 0
    /// Stored although WeCom never got a 2xx (the ack was lost): answered all the same.
    var storedUnacked = 0
    /// Every inbox row by status (warm-up included).
    var inboxByStatus: [String: Int] = [:]
    /// Acknowledged messages none of whose replies was queued.
    var ackedWithoutReply = 0
    /// Acknowledged messages whose every reply was delivered exactly once.
    var answeredExactlyOnce = 0
    var messagesWithDuplicate = 0
    var messagesWithMissingReply = 0
    /// Over the whole run (warm-up included): deliveries beyond the outbox rows with that content, and
    /// rows with no delivery.
    var deliveredDuplicates = 0
    var undelivered = 0
    /// Deliveries that match no outbox row at all.
    var deliveriesWithoutRow = 0
    /// Outbox rows by status, and those flagged for the duplicate check.
    var outboxByStatus: [String: Int] = [:]
    var outboxChecked = 0
    /// At the fake API: checked sends, those it dropped as already delivered, cards refused for a used task_id.
    var checkedSends = 0
    var checkedDropped = 0
    var repeatedTaskIDs = 0
    /// Acknowledged messages by the number of delivered sends quoting their question (0 is normal for
    /// a suggestion card or a hand-over, more than 1 is a doubled answer).
    var quotedZero = 0
    var quotedOnce = 0
    var quotedMore = 0
    /// The first few messages delivered more than once, with when (seconds into the phase).
    var repeats: [(user: String, content: String, firstAt: Double, firstAnsweredLate: Bool, againAt: Double, checked: Bool)] = []
    /// Callbacks dropped by WeCom, by the restart whose downtime held their first failed attempt.
    var droppedByRestart: [Int] = []

    // MARK: apifail

    /// The failure window, seconds into the phase.
    var window: (from: Double, until: Double)?
    /// Callbacks first due inside the window, those acknowledged at once, and their ack latency.
    var windowCallbacks = 0
    var windowAckedFirstTry = 0
    var windowAck = Percentiles([])
    /// The outbox's unsent rows (pending or sending) at their peak, and when (seconds into the phase).
    var peakUnsent = 0
    var peakUnsentAt = 0.0
    /// From the API's recovery to the last delivery of a reply to a message first due before it, and
    /// to the last reply to any of the phase's messages; nil when some reply was never delivered.
    var backlogDeliveredAfterRecovery: Double?
    var allDeliveredAfterRecovery: Double?
    /// gettoken calls, calls refused with 42001, API calls inside the window and the faults injected.
    var tokenFetches = 0
    var tokenRejections = 0
    var callsInWindow = 0
    var faults: [APIFault: Int] = [:]
}
