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
}
