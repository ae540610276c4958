import Prometheus

/// The server's own counters, exposed at `/metrics` in Prometheus text format.
///
/// A registry per application (not the process-wide `MetricsSystem`) so that tests can run
/// several applications in one process.
struct ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let callbacksAccepted: Counter
    let callbacksDuplicate: Counter
    let callbacksRejected: Counter
    let outboxSent: Counter
    let outboxRetried: Counter
    let outboxFailed: Counter

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        callbacksAccepted = registry.makeCounter(
            name: "storedesk_callbacks_total", labels: [("result", "accepted")], help: "WeCom callbacks by result")
        callbacksDuplicate = registry.makeCounter(
            name: "storedesk_callbacks_total", labels: [("result", "duplicate")], help: "WeCom callbacks by result")
        callbacksRejected = registry.makeCounter(
            name: "storedesk_callbacks_total", labels: [("result", "rejected")], help: "WeCom callbacks by result")
        outboxSent = registry.makeCounter(
            name: "storedesk_outbox_total", labels: [("result", "sent")], help: "Outbox send attempts by result")
        outboxRetried = registry.makeCounter(
            name: "storedesk_outbox_total", labels: [("result", "retry")], help: "Outbox send attempts by result")
        outboxFailed = registry.makeCounter(
            name: "storedesk_outbox_total", labels: [("result", "failed")], help: "Outbox send attempts by result")
    }

    /// The metrics in Prometheus text format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
