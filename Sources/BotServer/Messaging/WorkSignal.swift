import Foundation

/// Wakes a worker that is waiting for work, or lets it wait until a timeout.
///
/// A notification that arrives while nobody waits is remembered, so none is lost between a worker
/// finding no work and starting to wait.
actor WorkSignal {
    private var pending = false
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var released: Set<UUID> = []
    private var notified: Set<UUID> = []

    /// Wakes every waiting worker, or the next one to wait.
    func notify() {
        if waiters.isEmpty {
            pending = true
        } else {
            for (id, waiter) in waiters {
                notified.insert(id)
                waiter.resume()
            }
            waiters.removeAll()
        }
    }

    /// Returns on a notification, after `timeout`, or when the task is cancelled.
    /// - Returns: whether a notification ended the wait.
    @discardableResult
    func wait(upTo timeout: Duration) async -> Bool {
        if pending {
            pending = false
            return true
        }
        let id = UUID()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspend(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.release(id)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            self.release(id)
            return first
        }
    }

    /// - Returns: true when a notification (not a release by the timeout) ended it.
    private func suspend(_ id: UUID) async -> Bool {
        if released.remove(id) != nil { return false }
        // A notification may have come between `wait` looking and this task starting to wait.
        if pending {
            pending = false
            return true
        }
        await withCheckedContinuation { waiters[id] = $0 }
        return notified.remove(id) != nil
    }

    private func release(_ id: UUID) {
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.resume()
        } else {
            released.insert(id)
        }
    }
}
