import Categories
import Foundation
import NIOPosix
import Synchronization

/// Training's parallel pieces on a `NIOThreadPool` the engine builder owns, one thread per core.
///
/// The caller (the builder's own thread, never one of Swift concurrency's) takes a share of the
/// iterations itself and then waits for the pool's threads to finish theirs.
final class ThreadPoolWorkers: ParallelWorkers {
    private let pool: NIOThreadPool
    private let width: Int

    init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        width = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: width)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    func forEach(_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let helpers = min(width, iterations) - 1
        let next = Atomic<Int>(0)
        // A pool thread keeps the last work item it ran until it takes the next one: the items hold the
        // body only through this box, emptied when the loop is done, so the training data it captures
        // (tens of MB for a large knowledge base) is not kept alive after the build.
        let shared = Mutex<(@Sendable (Int) -> Void)?>(body)
        @Sendable func work() {
            guard let body = shared.withLock({ $0 }) else { return }
            while case let index = next.add(1, ordering: .relaxed).oldValue, index < iterations { body(index) }
        }
        let finished = Finished(expected: helpers)
        for _ in 0..<max(0, helpers) {
            pool.submit { state in
                // A pool that is shutting down does not run the work: the caller's loop then does it all.
                if state == .active { work() }
                finished.arrive()
            }
        }
        work()
        finished.wait()
        shared.withLock { $0 = nil }
    }

    /// Counts the helpers that are done; the caller waits for all of them.
    private final class Finished: Sendable {
        private let condition = NSCondition()
        private let count = Mutex(0)
        private let expected: Int

        init(expected: Int) { self.expected = expected }

        func arrive() {
            condition.lock()
            count.withLock { $0 += 1 }
            condition.signal()
            condition.unlock()
        }

        func wait() {
            condition.lock()
            while count.withLock({ $0 }) < expected { condition.wait() }
            condition.unlock()
        }
    }
}
