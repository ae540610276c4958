import Foundation

/// Element-wise helpers for the encoder's layers, on contiguous `Float` rows.
///
/// Widths in this model are multiples of 8, so rows are processed as
/// `SIMD8<Float>` with a scalar tail only for generality. Operations are kept
/// in the same order as the reference (add bias, then ReLU, then residual;
/// centre, then scale, then gamma, then beta) so rounding stays close to it.
enum VectorMath {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// Σ x[i] over `count` elements.
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            accumulator += load(x + index)
            index += 8
        }
        var total = accumulator.sum()
        while index < count {
            total += x[index]
            index += 1
        }
        return total
    }

    /// Σ x[i]² over `count` elements.
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            let value = load(x + index)
            accumulator += value * value
            index += 8
        }
        var total = accumulator.sum()
        while index < count {
            total += x[index] * x[index]
            index += 1
        }
        return total
    }

    /// Layer normalisation of one row in place: (x − mean) / √(var + ε) · γ + β.
    static func layerNormalize(
        _ x: UnsafeMutablePointer<Float>, _ count: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let mean = sum(x, count) / Float(count)
        var index = 0
        let meanVector = SIMD8<Float>(repeating: mean)
        while index + 8 <= count {
            store(load(x + index) - meanVector, x + index)
            index += 8
        }
        while index < count {
            x[index] -= mean
            index += 1
        }
        let variance = sumOfSquares(x, count) / Float(count)
        let scale = 1 / (variance + epsilon).squareRoot()
        let scaleVector = SIMD8<Float>(repeating: scale)
        index = 0
        while index + 8 <= count {
            store(load(x + index) * scaleVector * load(gamma + index) + load(beta + index), x + index)
            index += 8
        }
        while index < count {
            x[index] = x[index] * scale * gamma[index] + beta[index]
            index += 1
        }
    }

    /// x = max(x + bias, 0) + residual (the n-gram layers' epilogue).
    static func addBiasReLUResidual(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
        residual: UnsafePointer<Float>, _ count: Int
    ) {
        var index = 0
        while index + 8 <= count {
            let biased = load(x + index) + load(bias + index)
            store(biased.replacing(with: 0, where: biased .< 0) + load(residual + index), x + index)
            index += 8
        }
        while index < count {
            x[index] = max(x[index] + bias[index], 0) + residual[index]
            index += 1
        }
    }

    /// x = x + y.
    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) {
        var index = 0
        while index + 8 <= count {
            store(load(x + index) + load(y + index), x + index)
            index += 8
        }
        while index < count {
            x[index] += y[index]
            index += 1
        }
    }

    /// x = max(x, 0).
    static func relu(_ x: UnsafeMutablePointer<Float>, _ count: Int) {
        var index = 0
        while index + 8 <= count {
            let value = load(x + index)
            store(value.replacing(with: 0, where: value .< 0), x + index)
            index += 8
        }
        while index < count {
            x[index] = max(x[index], 0)
            index += 1
        }
    }
}
