/// Percentiles of latencies in nanoseconds.
struct Percentiles: Sendable {
    private let sorted: [UInt64]

    init(_ values: [UInt64]) { sorted = values.sorted() }

    var count: Int { sorted.count }

    /// The value below which `fraction` of the samples fall, in milliseconds; nil without samples.
    func milliseconds(_ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1e6
    }

    var maxMilliseconds: Double? { sorted.last.map { Double($0) / 1e6 } }
}
