import Foundation

/// Multinomial logistic regression over sparse rows, trained with full-batch Adam from zero:
/// mean negative log-likelihood plus L2/2·‖W‖² (the bias is not regularised).
///
/// Hand-written because no numeric library is available to a Swift server here; the loops follow
/// the reference prototype in `docs/research` step for step so its figures carry over.
struct SoftmaxRegression: Sendable {
    static let l2 = 1e-3
    static let steps = 400
    static let learningRate = 0.05

    let featureCount: Int
    let classCount: Int
    /// Row-major `featureCount × classCount`.
    let weights: [Double]
    let bias: [Double]
    /// Classes that had training rows; the others are never predicted.
    let present: [Bool]

    /// Trains on `rows` labelled with classes in `0..<classCount`.
    init(rows: [SparseVector], labels: [Int], featureCount: Int, classCount: Int) {
        let k = classCount
        var present = [Bool](repeating: false, count: k)
        for label in labels { present[label] = true }
        var weights = [Double](repeating: 0, count: featureCount * k)
        var bias = [Double](repeating: 0, count: k)
        var mW = weights, vW = weights, gW = weights
        var mB = bias, vB = bias
        var probabilities = [Double](repeating: 0, count: k)
        let n = Double(max(rows.count, 1))
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)

        weights.withUnsafeMutableBufferPointer { w in
            gW.withUnsafeMutableBufferPointer { g in
                mW.withUnsafeMutableBufferPointer { m in
                    vW.withUnsafeMutableBufferPointer { v in
                        probabilities.withUnsafeMutableBufferPointer { p in
                            for step in 1...Self.steps {
                                for index in 0..<w.count { g[index] = Self.l2 * w[index] }
                                var gB = [Double](repeating: 0, count: k)
                                for (row, label) in zip(rows, labels) {
                                    // z = b + Σ x_j W[j, :]
                                    for c in 0..<k { p[c] = bias[c] }
                                    for (j, x) in zip(row.indices, row.values) {
                                        let base = Int(j) * k
                                        for c in 0..<k { p[c] += x * w[base + c] }
                                    }
                                    Self.softmax(p, present: present)
                                    p[label] -= 1
                                    for c in 0..<k {
                                        p[c] /= n
                                        gB[c] += p[c]
                                    }
                                    for (j, x) in zip(row.indices, row.values) {
                                        let base = Int(j) * k
                                        for c in 0..<k { g[base + c] += x * p[c] }
                                    }
                                }
                                let correction1 = 1 - pow(beta1, Double(step))
                                let correction2 = 1 - pow(beta2, Double(step))
                                for index in 0..<w.count {
                                    m[index] = beta1 * m[index] + (1 - beta1) * g[index]
                                    v[index] = beta2 * v[index] + (1 - beta2) * g[index] * g[index]
                                    w[index] -=
                                        Self.learningRate * (m[index] / correction1)
                                        / ((v[index] / correction2).squareRoot() + epsilon)
                                }
                                for c in 0..<k {
                                    mB[c] = beta1 * mB[c] + (1 - beta1) * gB[c]
                                    vB[c] = beta2 * vB[c] + (1 - beta2) * gB[c] * gB[c]
                                    bias[c] -=
                                        Self.learningRate * (mB[c] / correction1)
                                        / ((vB[c] / correction2).squareRoot() + epsilon)
                                }
                            }
                        }
                    }
                }
            }
        }
        self.featureCount = featureCount
        self.classCount = k
        self.weights = weights
        self.bias = bias
        self.present = present
    }

    /// log P(class | x) for every class (−∞ for classes without training rows).
    func logProbabilities(_ x: SparseVector) -> [Double] {
        var z = bias
        for (j, value) in zip(x.indices, x.values) {
            let base = Int(j) * classCount
            for c in 0..<classCount { z[c] += value * weights[base + c] }
        }
        var maximum = -Double.infinity
        for c in 0..<classCount where present[c] { maximum = max(maximum, z[c]) }
        var sum = 0.0
        for c in 0..<classCount where present[c] { sum += exp(z[c] - maximum) }
        let logSum = maximum + log(sum)
        return (0..<classCount).map { present[$0] ? z[$0] - logSum : -Double.infinity }
    }

    /// In-place softmax over the present classes; absent ones get 0.
    private static func softmax(_ z: UnsafeMutableBufferPointer<Double>, present: [Bool]) {
        var maximum = -Double.infinity
        for c in 0..<z.count where present[c] { maximum = max(maximum, z[c]) }
        var sum = 0.0
        for c in 0..<z.count {
            if present[c] {
                z[c] = exp(z[c] - maximum)
                sum += z[c]
            } else {
                z[c] = 0
            }
        }
        for c in 0..<z.count { z[c] /= sum }
    }
}
