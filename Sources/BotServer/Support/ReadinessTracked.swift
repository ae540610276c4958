import ServiceLifecycle

/// Runs a service and tells `Readiness` while it runs.
struct ReadinessTracked: Service {
    let service: any Service
    let readiness: Readiness

    var name: String { String(describing: type(of: service)) }

    func run() async throws {
        await readiness.started(name)
        do {
            try await service.run()
        } catch {
            await readiness.stopped(name)
            throw error
        }
        await readiness.stopped(name)
    }
}
