import Foundation

/// A sparse vector: feature indices, ascending, with their values.
struct SparseVector: Sendable {
    var indices: [Int32] = []
    var values: [Double] = []

    var isEmpty: Bool { indices.isEmpty }

    /// The dot product with another sparse vector.
    func dot(_ other: SparseVector) -> Double {
        var i = 0
        var j = 0
        var sum = 0.0
        while i < indices.count, j < other.indices.count {
            if indices[i] == other.indices[j] {
                sum += values[i] * other.values[j]
                i += 1
                j += 1
            } else if indices[i] < other.indices[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// The value at `index` (0 where the vector has none), by binary search.
    func value(at index: Int32) -> Double {
        var low = 0
        var high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if indices[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < indices.count && indices[low] == index ? values[low] : 0
    }

    /// The dot product with a vector that has far fewer entries (a phrasing against a category's
    /// sum): a binary search for each of `shorter`'s entries instead of a walk over both.
    func dot(searching shorter: SparseVector) -> Double {
        var sum = 0.0
        for (index, value) in zip(shorter.indices, shorter.values) { sum += value * self.value(at: index) }
        return sum
    }

    var squaredNorm: Double { values.reduce(0) { $0 + $1 * $1 } }

    /// `self + scale · other`, dropping what cancels out.
    func adding(_ other: SparseVector, scale: Double = 1) -> SparseVector {
        var result = SparseVector()
        result.indices.reserveCapacity(indices.count + other.indices.count)
        result.values.reserveCapacity(indices.count + other.indices.count)
        func append(_ index: Int32, _ value: Double) {
            guard abs(value) > 1e-12 else { return }
            result.indices.append(index)
            result.values.append(value)
        }
        var i = 0
        var j = 0
        while i < indices.count || j < other.indices.count {
            if j == other.indices.count || (i < indices.count && indices[i] < other.indices[j]) {
                append(indices[i], values[i])
                i += 1
            } else if i == indices.count || other.indices[j] < indices[i] {
                append(other.indices[j], scale * other.values[j])
                j += 1
            } else {
                append(indices[i], values[i] + scale * other.values[j])
                i += 1
                j += 1
            }
        }
        return result
    }
}
