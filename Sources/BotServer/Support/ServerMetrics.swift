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
        let callbacks = MetricNameDescriptor(
            namespace: "storedesk", metricName: "callbacks", unitName: "total", helpText: "WeCom callbacks by result")
        let outbox = MetricNameDescriptor(
            namespace: "storedesk", metricName: "outbox", unitName: "total", helpText: "Outbox send attempts by result")
        callbacksAccepted = registry.makeCounter(descriptor: callbacks, labels: [("result", "accepted")])
        callbacksDuplicate = registry.makeCounter(descriptor: callbacks, labels: [("result", "duplicate")])
        callbacksRejected = registry.makeCounter(descriptor: callbacks, labels: [("result", "rejected")])
        outboxSent = registry.makeCounter(descriptor: outbox, labels: [("result", "sent")])
        outboxRetried = registry.makeCounter(descriptor: outbox, labels: [("result", "retry")])
        outboxFailed = registry.makeCounter(descriptor: outbox, labels: [("result", "failed")])
    }

    /// The metrics in Prometheus text format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
