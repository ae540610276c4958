import Foundation

/// The summed TF-IDF rows of each group (an entry, or a category), with an inverted index from each
/// feature to the groups whose sum has it.
///
/// A question's cosine with every group's centroid then costs only the postings of the question's own
/// features, not a pass over all groups: with 25,000 entries a question touches a few thousand. Sums
/// are kept unnormalised so that one row, or one group inside another, can be taken out exactly while
/// scoring (leave-one-out calibration without retraining), and so that a group can be replaced in
/// place when an admin edits one entry.
struct CentroidIndex: Sendable {
    /// 8 bytes: matching reads tens of thousands of these per question, so their size is its speed.
    struct Posting: Sendable {
        var group: Int32
        var value: Float
    }

    /// Each group's sum of rows, unnormalised.
    private(set) var sums: [SparseVector]
    private(set) var squaredNorms: [Double]
    /// 1/‖sum‖, or 0 for an empty group.
    private(set) var inverseNorms: [Double]
    /// By feature: the groups whose sum has it, ascending, with the sum's value.
    private(set) var postings: [[Posting]]

    var groupCount: Int { sums.count }

    /// Sums `rows` by `groups` (each in `0..<groupCount`); features are indices below `featureCount`.
    init(rows: [SparseVector], groups: [Int], groupCount: Int, featureCount: Int) {
        var members = [[Int]](repeating: [], count: groupCount)
        for (row, group) in groups.enumerated() { members[group].append(row) }
        var scratch = [Double](repeating: 0, count: featureCount)
        var sums: [SparseVector] = []
        sums.reserveCapacity(groupCount)
        for rowsOfGroup in members {
            sums.append(Self.sum(rowsOfGroup.map { rows[$0] }, scratch: &scratch))
        }
        var postings = [[Posting]](repeating: [], count: featureCount)
        for (group, sum) in sums.enumerated() {
            for (feature, value) in zip(sum.indices, sum.values) {
                postings[Int(feature)].append(Posting(group: Int32(group), value: Float(value)))
            }
        }
        self.sums = sums
        self.squaredNorms = sums.map(\.squaredNorm)
        self.inverseNorms = squaredNorms.map(Self.inverseNorm)
        self.postings = postings
    }

    /// The dot product of `question` with every group's sum, by group.
    func dots(_ question: SparseVector) -> [Double] {
        var dots = [Double](repeating: 0, count: groupCount)
        // The hot loop of matching (tens of thousands of postings for a common word): no bounds checks,
        // no branches.
        dots.withUnsafeMutableBufferPointer { dots in
            for (feature, weight) in zip(question.indices, question.values) where Int(feature) < postings.count {
                postings[Int(feature)].withUnsafeBufferPointer { list in
                    for posting in list { dots[Int(posting.group)] += weight * Double(posting.value) }
                }
            }
        }
        return dots
    }

    /// `dots(question)`, with `touched` getting the groups whose sum shares a feature with the question,
    /// ascending, read off in one sequential pass. Sums and questions are non-negative, so exactly those
    /// dots are > 0.
    func dots(_ question: SparseVector, touched: inout [Int]) -> [Double] {
        let dots = dots(question)
        for group in 0..<dots.count where dots[group] > 0 { touched.append(group) }
        return dots
    }

    /// cos(question, group's centroid) from the question's dot with the group's sum.
    func cosine(dot: Double, group: Int) -> Double { dot * inverseNorms[group] }

    /// cos(question, the centroid of the group's sum minus `part`), where `part` is a row (or a sum
    /// of rows) inside the group and `questionDotPart` is the question's dot with it.
    func cosine(dot: Double, group: Int, without part: SparseVector, questionDotPart: Double) -> Double {
        let remaining = squaredNorms[group] - 2 * sums[group].dot(searching: part) + part.squaredNorm
        // What is left can round to a hair above zero when `part` was the whole group.
        guard remaining > 1e-9 * max(1, squaredNorms[group]) else { return 0 }
        return (dot - questionDotPart) / remaining.squareRoot()
    }

    /// Puts `newSum` in place of the group's sum, updating the postings of the features it touches.
    mutating func replace(group: Int, with newSum: SparseVector) {
        let group32 = Int32(group)
        for feature in sums[group].indices {
            postings[Int(feature)].removeAll { $0.group == group32 }
        }
        for (feature, value) in zip(newSum.indices, newSum.values) {
            if Int(feature) >= postings.count {
                postings.append(contentsOf: repeatElement([], count: Int(feature) + 1 - postings.count))
            }
            let list = postings[Int(feature)]
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle].group < group32 { low = middle + 1 } else { high = middle }
            }
            postings[Int(feature)].insert(Posting(group: group32, value: Float(value)), at: low)
        }
        sums[group] = newSum
        squaredNorms[group] = newSum.squaredNorm
        inverseNorms[group] = Self.inverseNorm(squaredNorms[group])
    }

    /// Adds an empty group at the end (an entry added by an admin).
    mutating func appendGroup() {
        sums.append(SparseVector())
        squaredNorms.append(0)
        inverseNorms.append(0)
    }

    private static func inverseNorm(_ squaredNorm: Double) -> Double {
        squaredNorm > 1e-12 ? 1 / squaredNorm.squareRoot() : 0
    }

    /// The sum of `rows`, accumulated in `scratch` (all zeros on entry and on return).
    static func sum(_ rows: [SparseVector], scratch: inout [Double]) -> SparseVector {
        var features: [Int32] = []
        for row in rows {
            for (feature, value) in zip(row.indices, row.values) {
                if scratch[Int(feature)] == 0 { features.append(feature) }
                scratch[Int(feature)] += value
            }
        }
        features.sort()
        let values = features.map { scratch[Int($0)] }
        for feature in features { scratch[Int(feature)] = 0 }
        return SparseVector(indices: features, values: values)
    }
}
