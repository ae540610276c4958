/// Runs the independent pieces of training and calibration (folds, chunks of a map). Synchronous: it
/// returns when every iteration has returned, so callers run it off Swift concurrency's threads.
public protocol ParallelWorkers: Sendable {
    /// Calls `body` once for each index in `0..<iterations`, in any order and possibly at the same time.
    func forEach(_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void)
}

/// Every iteration in turn on the calling thread: for tests and tools that need no threads.
public struct SerialWorkers: ParallelWorkers {
    public init() {}

    public func forEach(_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        for index in 0..<iterations { body(index) }
    }
}
