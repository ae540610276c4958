import Foundation
import Testing

@testable import SentenceModel

/// The matrix product on small hand-made matrices: no model needed.
@Suite struct PackedMatrixTests {
    /// A deterministic, irregular matrix (no two rows alike, both signs).
    private func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { index in Float((index * 7919 + seed * 104_729) % 2003) / 1001 - 1 }
    }

    @Test func bothKernelsGiveTheSameBitsAndTheRightProduct() {
        let rows = 13, depth = 40, columns = 24  // 13 rows: not a multiple of the 4-row tile
        let a = values(rows * depth, seed: 1)
        let b = values(depth * columns, seed: 2)
        let matrix = PackedMatrix(rowMajor: b, rows: depth, columns: columns)
        var results: [[Float]] = []
        for kernel in PackedMatrix.Kernel.allCases {
            var output = [Float](repeating: .nan, count: rows * columns)
            a.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    matrix.multiply(
                        input.baseAddress!, inputOffsets: (0..<rows).map { $0 * depth },
                        into: out.baseAddress!, outputOffsets: (0..<rows).map { $0 * columns },
                        kernel: kernel)
                }
            }
            results.append(output)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
        for row in 0..<rows {
            for column in 0..<columns {
                var expected = 0.0
                for k in 0..<depth {
                    expected += Double(a[row * depth + k]) * Double(b[k * columns + column])
                }
                #expect(abs(Double(results[0][row * columns + column]) - expected) < 1e-4)
            }
        }
    }

    @Test func overlappingWindowsAndStridedOutputs() {
        // Rows of A that overlap (an n-gram window sliding one row at a time)
        // and outputs written into a wider row, as the encoder uses them.
        let width = 8, order = 3, tokens = 5
        let input = values((tokens + order) * width, seed: 3)
        let b = values(order * width * width, seed: 4)
        let matrix = PackedMatrix(rowMajor: b, rows: order * width, columns: width)
        var output = [Float](repeating: 0, count: tokens * 20)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                matrix.multiply(
                    source.baseAddress!, inputOffsets: (0..<tokens).map { $0 * width },
                    into: out.baseAddress!, outputOffsets: (0..<tokens).map { $0 * 20 + 4 })
            }
        }
        for token in 0..<tokens {
            for column in 0..<width {
                var expected = 0.0
                for k in 0..<(order * width) {
                    expected += Double(input[token * width + k]) * Double(b[k * width + column])
                }
                #expect(abs(Double(output[token * 20 + 4 + column]) - expected) < 1e-4)
            }
            #expect(output[token * 20..<token * 20 + 4].allSatisfy { $0 == 0 })
        }
    }
}
