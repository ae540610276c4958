/// The summed sentence vectors of each group (an entry, or a category): `CentroidIndex`'s dense twin.
///
/// Sums are kept unnormalised, as there, so that one phrasing or one entry can be taken out exactly
/// while scoring (calibration without retraining) and one group replaced when an admin edits an entry.
/// Every group is scored for every question (a matrix–vector product: 512 multiplications per entry,
/// a few milliseconds for tens of thousands of entries).
struct DenseCentroids: Sendable {
    let dimension: Int
    /// Group after group, `dimension` values each.
    private(set) var sums: [Float]
    private(set) var squaredNorms: [Double]

    var groupCount: Int { squaredNorms.count }

    /// Sums `rows` (each `dimension` long) by `groups` (each in `0..<groupCount`).
    init(rows: [[Float]], groups: [Int], groupCount: Int, dimension: Int) {
        self.dimension = dimension
        var sums = [Float](repeating: 0, count: groupCount * dimension)
        for (row, group) in zip(rows, groups) {
            precondition(row.count == dimension, "a sentence vector of another length")
            let base = group * dimension
            for index in 0..<dimension { sums[base + index] += row[index] }
        }
        self.sums = sums
        squaredNorms = (0..<groupCount).map { group in Self.dot(sums, group * dimension, sums, group * dimension, dimension) }
    }

    /// The group's sum.
    func sum(_ group: Int) -> [Float] { Array(sums[(group * dimension)..<((group + 1) * dimension)]) }

    /// The dot product of `question` with every group's sum, by group.
    func dots(_ question: [Float]) -> [Double] {
        (0..<groupCount).map { group in Self.dot(sums, group * dimension, question, 0, dimension) }
    }

    /// cos(question, group's centroid) from the question's dot with the group's sum; 0 for an empty group.
    func cosine(dot: Double, group: Int) -> Double {
        squaredNorms[group] > 1e-12 ? dot / squaredNorms[group].squareRoot() : 0
    }

    /// cos(question, the centroid of the group's sum minus `part`), `part` being a vector (or a sum of
    /// them) inside the group.
    func cosine(_ question: [Float], group: Int, without part: [Float]) -> Double {
        let base = group * dimension
        let sumDotPart = Self.dot(sums, base, part, 0, dimension)
        let partNorm = Self.dot(part, 0, part, 0, dimension)
        let remaining = squaredNorms[group] - 2 * sumDotPart + partNorm
        // What is left can round to a hair above zero when `part` was the whole group.
        guard remaining > 1e-6 * max(1, squaredNorms[group]) else { return 0 }
        let dot = Self.dot(sums, base, question, 0, dimension) - Self.dot(part, 0, question, 0, dimension)
        return dot / remaining.squareRoot()
    }

    /// Puts `newSum` in place of the group's sum.
    mutating func replace(group: Int, with newSum: [Float]) {
        precondition(newSum.count == dimension)
        sums.replaceSubrange((group * dimension)..<((group + 1) * dimension), with: newSum)
        squaredNorms[group] = Self.dot(newSum, 0, newSum, 0, dimension)
    }

    /// Adds an empty group at the end (an entry added by an admin).
    mutating func appendGroup() {
        sums.append(contentsOf: repeatElement(0, count: dimension))
        squaredNorms.append(0)
    }

    /// Σ a[aStart + i]·b[bStart + i], accumulated in single precision in 8 lanes (vectorised), summed in double.
    static func dot(_ a: [Float], _ aStart: Int, _ b: [Float], _ bStart: Int, _ count: Int) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var lanes = SIMD8<Float>()
                var index = 0
                while index + 8 <= count {
                    let x = SIMD8<Float>(a[(aStart + index)..<(aStart + index + 8)])
                    let y = SIMD8<Float>(b[(bStart + index)..<(bStart + index + 8)])
                    lanes += x * y
                    index += 8
                }
                var total = Double(lanes.sum())
                while index < count {
                    total += Double(a[aStart + index] * b[bStart + index])
                    index += 1
                }
                return total
            }
        }
    }
}

extension [Float] {
    /// The element-wise sum of vectors of `dimension` values (zeros when there are none).
    static func sum(_ vectors: [[Float]], dimension: Int) -> [Float] {
        var total = [Float](repeating: 0, count: dimension)
        for vector in vectors { for index in 0..<dimension { total[index] += vector[index] } }
        return total
    }
}
