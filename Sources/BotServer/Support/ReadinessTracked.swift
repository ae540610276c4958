import ServiceLifecycle

/// Runs a service and tells `Readiness` while it runs.
struct ReadinessTracked: Service {
    let service: any Service
    let readiness: Readiness

    var name: String { String(describing: type(of: service)) }

    func run() async throws {
        await readiness.started(name)
        defer { Task { await readiness.stopped(name) } }
        try await service.run()
    }
}
