import Foundation

/// One-vs-rest logistic regression over sparse rows: one independent sigmoid per output, trained
/// together with per-coordinate AdaGrad (sparse updates, L2 on the coordinates a row touches) over
/// epochs of the rows in a seeded order, so the same rows always give the same weights.
///
/// Stochastic rather than full-batch (`SoftmaxRegression`): some thirty passes over a few thousand
/// short messages take tens of milliseconds, where full-batch steps over every weight take seconds.
struct IntentRegression: Sendable {
    static let epochs = 30
    static let learningRate = 0.5
    static let l2 = 1e-4
    static let seed: UInt64 = 7

    let featureCount: Int
    let outputCount: Int
    /// Row-major `featureCount × outputCount`.
    let weights: [Double]
    let bias: [Double]

    /// Trains on `rows`, `targets[row][output]` being whether the row has that output.
    init(rows: [SparseVector], targets: [[Bool]], featureCount: Int, outputCount: Int) {
        let k = outputCount
        var weights = [Double](repeating: 0, count: featureCount * k)
        var squares = [Double](repeating: 1e-8, count: featureCount * k)
        var bias = [Double](repeating: 0, count: k)
        var biasSquares = [Double](repeating: 1e-8, count: k)
        var gradient = [Double](repeating: 0, count: k)
        var order = Array(rows.indices)
        var generator = SplitMix64(seed: Self.seed)
        let (rate, l2) = (Self.learningRate, Self.l2)
        weights.withUnsafeMutableBufferPointer { w in
            squares.withUnsafeMutableBufferPointer { s in
                for _ in 0..<Self.epochs {
                    generator.shuffle(&order)
                    for row in order {
                        let x = rows[row]
                        for c in 0..<k { gradient[c] = bias[c] }
                        for (j, value) in zip(x.indices, x.values) {
                            let base = Int(j) * k
                            for c in 0..<k { gradient[c] += value * w[base + c] }
                        }
                        for c in 0..<k { gradient[c] = 1 / (1 + exp(-gradient[c])) - (targets[row][c] ? 1 : 0) }
                        for (j, value) in zip(x.indices, x.values) {
                            let base = Int(j) * k
                            for c in 0..<k {
                                let g = value * gradient[c] + l2 * w[base + c]
                                s[base + c] += g * g
                                w[base + c] -= rate * g / s[base + c].squareRoot()
                            }
                        }
                        for c in 0..<k {
                            biasSquares[c] += gradient[c] * gradient[c]
                            bias[c] -= rate * gradient[c] / biasSquares[c].squareRoot()
                        }
                    }
                }
            }
        }
        self.featureCount = featureCount
        self.outputCount = k
        self.weights = weights
        self.bias = bias
    }

    /// P(output) for each output.
    func probabilities(_ x: SparseVector) -> [Double] {
        var z = bias
        for (j, value) in zip(x.indices, x.values) where Int(j) < featureCount {
            let base = Int(j) * outputCount
            for c in 0..<outputCount { z[c] += value * weights[base + c] }
        }
        return z.map { 1 / (1 + exp(-$0)) }
    }
}
