import Prometheus

extension ServerMetrics {
    /// A lane head held back because a recipient had WeCom's per-member budget spent
    /// (`storedesk_outbox_held_total`), counted once per hold.
    func outboxHeld() {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "outbox_held", unitName: "total",
                helpText: "Outbox lane heads held back by WeCom's per-member message limit")
        ).increment()
    }

    /// Texts merged into digests while their member's budget was spent: `rows` no longer sent by
    /// themselves (`storedesk_outbox_merged_total`), in `digests` digests (`storedesk_outbox_digests_total`).
    func outboxMerged(rows: Int, digests: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "outbox_merged", unitName: "total",
                helpText: "Outbox texts merged into a digest instead of being sent by themselves")
        ).increment(by: Int64(rows))
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "outbox_digests", unitName: "total",
                helpText: "Digests made of texts waiting for a member's message budget")
        ).increment(by: Int64(digests))
    }

    /// A message to several members split because some had the budget spent: `shares` queued for those
    /// who wait (`storedesk_outbox_split_total`, counted per share).
    func outboxSplit(shares: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "storedesk", metricName: "outbox_split", unitName: "total",
                helpText: "Shares of messages to several members queued for a member whose WeCom budget was spent")
        ).increment(by: Int64(shares))
    }
}
