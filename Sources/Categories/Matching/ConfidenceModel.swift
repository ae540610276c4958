import Foundation

/// P(the best entry is right), a logistic regression on standardised `ConfidenceFeatures`, fitted on
/// the knowledge base's own calibration items (held-out phrasings and simulated unseen intents).
struct ConfidenceModel: Sendable {
    let mean: [Double]
    let deviation: [Double]
    let weights: [Double]
    let bias: Double

    /// Full-batch gradient descent, 2000 steps at rate 0.1 with L2 1e-3.
    init(inputs: [[Double]], labels: [Bool]) {
        let width = inputs.first?.count ?? 0
        let n = Double(max(inputs.count, 1))
        var mean = [Double](repeating: 0, count: width)
        var deviation = [Double](repeating: 0, count: width)
        for row in inputs { for i in 0..<width { mean[i] += row[i] / n } }
        for row in inputs { for i in 0..<width { deviation[i] += (row[i] - mean[i]) * (row[i] - mean[i]) / n } }
        deviation = deviation.map { $0.squareRoot() + 1e-9 }
        let standardised = inputs.map { row in (0..<width).map { Self.standardise(row[$0], mean[$0], deviation[$0]) } }
        var weights = [Double](repeating: 0, count: width)
        var bias = 0.0
        for _ in 0..<2000 {
            var gradient = [Double](repeating: 0, count: width)
            var biasGradient = 0.0
            for (row, label) in zip(standardised, labels) {
                let z = zip(row, weights).reduce(bias) { $0 + $1.0 * $1.1 }
                let error = 1 / (1 + exp(-z)) - (label ? 1 : 0)
                for i in 0..<width { gradient[i] += row[i] * error / n }
                biasGradient += error / n
            }
            for i in 0..<width { weights[i] -= 0.1 * (gradient[i] + 1e-3 * weights[i]) }
            bias -= 0.1 * biasGradient
        }
        self.mean = mean
        self.deviation = deviation
        self.weights = weights
        self.bias = bias
    }

    /// A feature that never varied on the calibration items (every question fully covered, in a
    /// generated knowledge base) says nothing: it stays at 0 rather than blowing up at query time.
    private static func standardise(_ value: Double, _ mean: Double, _ deviation: Double) -> Double {
        deviation > 1e-6 ? (value - mean) / deviation : 0
    }

    func probability(_ features: ConfidenceFeatures) -> Double {
        let inputs = features.modelInputs
        var z = bias
        for i in 0..<inputs.count { z += Self.standardise(inputs[i], mean[i], deviation[i]) * weights[i] }
        return 1 / (1 + exp(-z))
    }
}

/// Thresholds turned from policies into numbers on the calibration items.
enum Thresholds {
    /// The lowest probability at which the items at or above it are right at least `precision` of
    /// the time (judged once `minimumItems` are above it, cut only between distinct values); 1 when
    /// even the top items miss, which means: never answer.
    static func answer(probabilities: [Double], correct: [Bool], precision: Double, minimumItems: Int) -> Double {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        var threshold = 1.0
        var hits = 0.0
        for (rank, index) in order.enumerated() {
            hits += correct[index] ? 1 : 0
            if rank + 1 < minimumItems { continue }
            if rank + 1 < order.count, probabilities[order[rank + 1]] == probabilities[index] { continue }
            if hits / Double(rank + 1) >= precision {
                threshold = probabilities[index]
            } else {
                break
            }
        }
        return threshold
    }

    /// The `q`-quantile with linear interpolation between the closest ranks (numpy's default).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .infinity }
        let position = Double(sorted.count - 1) * q
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
