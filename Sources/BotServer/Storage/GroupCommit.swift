import GRDB

/// Group commit: writes that arrive while one is under way are done together in the next transaction,
/// so that under load a busy path costs one turn of the database's single writer per batch rather than
/// per item, and waits behind at most a few other transactions. Callbacks accepted from WeCom and
/// sends recorded by the outbox go through one each.
///
/// There is no background task: the first caller to find no write under way writes (it leads), and
/// when it has written it hands the lead to the first caller who queued meanwhile, which writes
/// everything queued by then. Each caller returns only once its own item is committed. When a batch
/// fails, its items are written again one by one, so that one bad item fails alone; when the database
/// refuses every write (full, read-only), each caller gets the error.
actor GroupCommit<Item: Sendable, Outcome: Sendable> {
    /// Writes `items` in the caller's transaction, returning one outcome per item, in order.
    typealias Write = @Sendable (_ items: [Item], _ db: Database) throws -> [Outcome]

    private let writer: any DatabaseWriter
    private let maximumBatch: Int
    private let write: Write
    private var queue: [Waiter] = []
    private var writing = false

    private struct Waiter {
        let item: Item
        let continuation: CheckedContinuation<Turn, any Error>
    }

    /// What a queued caller is resumed with.
    private enum Turn {
        /// Its item was written in another caller's batch.
        case written(Outcome)
        /// It leads the next batch, its own item included.
        case lead
    }

    /// - Parameter maximumBatch: the most items in one transaction; the rest wait for the next.
    init(writer: any DatabaseWriter, maximumBatch: Int = 512, write: @escaping Write) {
        self.writer = writer
        self.maximumBatch = max(1, maximumBatch)
        self.write = write
    }

    /// Writes `item` with whatever else is waiting; returns once it is committed.
    func submit(_ item: Item) async throws -> Outcome {
        if writing {
            let turn = try await withCheckedThrowingContinuation { continuation in
                queue.append(Waiter(item: item, continuation: continuation))
            }
            if case .written(let outcome) = turn { return outcome }
        } else {
            writing = true
        }
        return try await lead(with: item)
    }

    /// Writes `own` and what is queued (up to `maximumBatch`), resumes the others, hands the lead on.
    private func lead(with own: Item) async throws -> Outcome {
        let batch = Array(queue.prefix(maximumBatch - 1))
        queue.removeFirst(batch.count)
        let items = [own] + batch.map(\.item)
        let outcomes: [Result<Outcome, any Error>]
        do {
            outcomes = try await commit(items).map { .success($0) }
        } catch  where items.count > 1 && !StorageFailure(error).isTheDatabasesOwn {
            // One item's fault, perhaps: each alone, so that the others are written.
            outcomes = await writeOneByOne(items)
        } catch {
            // The database's own trouble (full, read-only, locked) is everyone's: one error for all.
            outcomes = Array(repeating: .failure(error), count: items.count)
        }
        for (waiter, outcome) in zip(batch, outcomes.dropFirst()) {
            waiter.continuation.resume(with: outcome.map { .written($0) })
        }
        handOver()
        return try outcomes[0].get()
    }

    private func writeOneByOne(_ items: [Item]) async -> [Result<Outcome, any Error>] {
        var outcomes: [Result<Outcome, any Error>] = []
        for item in items {
            do {
                outcomes.append(.success(try await commit([item])[0]))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// `write` in a transaction of its own, whatever becomes of the leader's task: a leader whose request
    /// is cancelled still commits the others' items (a child of its task would inherit the
    /// cancellation, and GRDB checks it before it starts). Its outcomes, one per item.
    private func commit(_ items: [Item]) async throws -> [Outcome] {
        let written = try await Task { [writer, write] in
            try await writer.write { db in try write(items, db) }
        }.value
        guard written.count == items.count else { throw OutcomeCountMismatch(items: items.count, outcomes: written.count) }
        return written
    }

    /// `write` returned another number of outcomes than it was given items: a programming error, said so.
    struct OutcomeCountMismatch: Error, CustomStringConvertible {
        let items: Int
        let outcomes: Int
        var description: String { "a group commit's write returned \(outcomes) outcomes for \(items) items" }
    }

    private func handOver() {
        if queue.isEmpty {
            writing = false
        } else {
            queue.removeFirst().continuation.resume(returning: .lead)
        }
    }
}
