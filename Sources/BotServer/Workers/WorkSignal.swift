import Foundation

/// Wakes a worker that is waiting for work, or lets it wait until a timeout.
///
/// A notification that arrives while nobody waits is remembered, so none is lost between a worker
/// finding no work and starting to wait.
actor WorkSignal {
    private var pending = false
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var released: Set<UUID> = []

    /// Wakes every waiting worker, or the next one to wait.
    func notify() {
        if waiters.isEmpty {
            pending = true
        } else {
            for waiter in waiters.values { waiter.resume() }
            waiters.removeAll()
        }
    }

    /// Returns on a notification, after `timeout`, or when the task is cancelled.
    func wait(upTo timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.release(id)
            }
            _ = await group.next()
            group.cancelAll()
            self.release(id)
        }
    }

    private func suspend(_ id: UUID) async {
        if released.remove(id) != nil { return }
        // A notification may have come between `wait` looking and this task starting to wait.
        if pending {
            pending = false
            return
        }
        await withCheckedContinuation { waiters[id] = $0 }
    }

    private func release(_ id: UUID) {
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.resume()
        } else {
            released.insert(id)
        }
    }
}
