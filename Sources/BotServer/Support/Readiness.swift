/// Which background workers have started, for `/readyz`.
actor Readiness {
    private var running: Set<String> = []
    private let required: Set<String>

    init(required: Set<String>) {
        self.required = required
    }

    func started(_ worker: String) { running.insert(worker) }
    func stopped(_ worker: String) { running.remove(worker) }

    /// The required workers that are not running.
    var missing: Set<String> { required.subtracting(running) }

    /// Why the database refused the last write, while no write has succeeded since.
    private(set) var storageFailure: StorageFailure?

    /// A write was refused: `/readyz` says why until one succeeds.
    func storageFailed(_ failure: StorageFailure) { storageFailure = failure }

    /// A write succeeded: the database takes writes again.
    func storageRecovered() { storageFailure = nil }
}
