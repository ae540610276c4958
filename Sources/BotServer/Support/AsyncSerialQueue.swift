/// Lets async work take turns, in the order it asks (an actor alone would interleave its callers at
/// every `await`). Every `acquire()` must be followed by one `release()`.
actor AsyncSerialQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Waits until no one else holds the queue, then holds it.
    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the queue to the next waiter, or frees it.
    func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
