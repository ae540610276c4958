/// A weight matrix `B` (K rows × N columns, row-major in the file) stored as
/// column panels for the matrix-product kernel.
///
/// Panel `p` holds columns `8p ..< 8p + 8` of every row, one row after the
/// other, so the kernel reads B strictly sequentially and each 32-byte load
/// feeds eight multiply-adds per activation row. Products `A · B` are
/// computed for several rows of A at once, so every panel load is reused and
/// the accumulators stay in registers.
///
/// Every output element is summed over k = 0, 1, …, K-1 in that order by
/// the one kernel, so a row's result does not depend on which other rows
/// were in the batch: one sentence embeds to the same bits alone or in a batch.
struct PackedMatrix: Sendable {
    /// The two implementations of the inner kernel; they give identical bits.
    enum Kernel: Sendable, CaseIterable {
        /// `SIMD8<Float>` accumulators: what the encoder uses.
        case vector
        /// The same operations lane by lane on scalar accumulators: the reference the vector kernel is
        /// checked against bit for bit (unoptimised, generic SIMD runs ~20 times slower than scalar code,
        /// which is why the module is compiled with -O in debug builds too).
        case scalar
    }

    static let defaultKernel = Kernel.vector

    /// Columns per panel: one `SIMD8<Float>`.
    static let panelWidth = 8
    // Rows of A handled per pass over a panel.
    private static let rowTile = 4
    // Rows of A kept hot while all panels stream past them (A block of
    // rowBlock × K floats stays in L2 for every K used here).
    private static let rowBlock = 32

    /// K: rows of B, the length of each row of A.
    let rows: Int
    /// N: columns of B and of the output.
    let columns: Int
    private let panels: [Float]

    /// Packs a row-major `rows × columns` matrix; `columns` must be a multiple of 8.
    init(rowMajor values: [Float], rows: Int, columns: Int) {
        precondition(values.count == rows * columns, "matrix size mismatch")
        precondition(columns % Self.panelWidth == 0, "columns must be a multiple of \(Self.panelWidth)")
        let width = Self.panelWidth
        var packed = [Float](repeating: 0, count: rows * columns)
        for panel in 0..<(columns / width) {
            let base = panel * rows * width
            for row in 0..<rows {
                for lane in 0..<width {
                    packed[base + row * width + lane] = values[row * columns + panel * width + lane]
                }
            }
        }
        self.rows = rows
        self.columns = columns
        self.panels = packed
    }

    /// Writes `output[outputOffsets[r] + j] = Σ_k a[inputOffsets[r] + k] · B[k][j]`
    /// for every row r (overwriting, not accumulating).
    ///
    /// Rows of A are given by offsets so that callers can pass overlapping
    /// n-gram windows or strided column blocks without copying. Output rows
    /// must not overlap A.
    func multiply(
        _ a: UnsafePointer<Float>, inputOffsets: [Int],
        into output: UnsafeMutablePointer<Float>, outputOffsets: [Int],
        kernel: Kernel = defaultKernel
    ) {
        precondition(inputOffsets.count == outputOffsets.count)
        var count = inputOffsets.count
        guard count > 0 else { return }
        var inputOffsets = inputOffsets
        var outputOffsets = outputOffsets
        // A single-row pass is bound by the latency of its one accumulator
        // chain and costs about as much as a four-row pass, so leftover rows
        // are padded with copies of the last row: the copies compute the same
        // bits into the same place, and every row takes the same code path.
        while count % Self.rowTile != 0 {
            inputOffsets.append(inputOffsets[count - 1])
            outputOffsets.append(outputOffsets[count - 1])
            count += 1
        }
        let depth = rows
        let width = Self.panelWidth
        inputOffsets.withUnsafeBufferPointer { inputs in
            outputOffsets.withUnsafeBufferPointer { outputs in
                panels.withUnsafeBufferPointer { packed in
                    let base = packed.baseAddress!
                    var blockStart = 0
                    while blockStart < count {
                        let blockEnd = min(count, blockStart + Self.rowBlock)
                        for panel in 0..<(columns / width) {
                            let b = base + panel * depth * width
                            let column = panel * width
                            var row = blockStart
                            while row < blockEnd {
                                let a0 = a + inputs[row], a1 = a + inputs[row + 1]
                                let a2 = a + inputs[row + 2], a3 = a + inputs[row + 3]
                                let c0 = output + outputs[row] + column, c1 = output + outputs[row + 1] + column
                                let c2 = output + outputs[row + 2] + column, c3 = output + outputs[row + 3] + column
                                switch kernel {
                                case .vector:
                                    Self.vectorKernel(a0, a1, a2, a3, b, depth, c0, c1, c2, c3)
                                case .scalar:
                                    Self.scalarKernel(a0, a1, a2, a3, b, depth, c0, c1, c2, c3)
                                }
                                row += Self.rowTile
                            }
                        }
                        blockStart = blockEnd
                    }
                }
            }
        }
    }

    /// Four rows of A against one panel: eight accumulators in registers,
    /// one panel load shared by four rows. Multiplies and adds stay separate
    /// operations (Swift does not contract them into fused multiply-adds).
    @inline(__always)
    private static func vectorKernel(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>,
        _ a2: UnsafePointer<Float>, _ a3: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ depth: Int,
        _ c0: UnsafeMutablePointer<Float>, _ c1: UnsafeMutablePointer<Float>,
        _ c2: UnsafeMutablePointer<Float>, _ c3: UnsafeMutablePointer<Float>
    ) {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        let panel = UnsafeRawPointer(b)
        for k in 0..<depth {
            let w = panel.loadUnaligned(fromByteOffset: k &* 32, as: SIMD8<Float>.self)
            s0 += SIMD8(repeating: a0[k]) * w
            s1 += SIMD8(repeating: a1[k]) * w
            s2 += SIMD8(repeating: a2[k]) * w
            s3 += SIMD8(repeating: a3[k]) * w
        }
        UnsafeMutableRawPointer(c0).storeBytes(of: s0, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(c1).storeBytes(of: s1, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(c2).storeBytes(of: s2, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(c3).storeBytes(of: s3, as: SIMD8<Float>.self)
    }

    /// `vectorKernel` written out lane by lane: 32 scalar accumulators, the
    /// same multiply-then-add per element in the same k order, hence the same
    /// bits. Optimised builds vectorise this too, but only `vectorKernel`
    /// guarantees it.
    @inline(__always)
    private static func scalarKernel(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>,
        _ a2: UnsafePointer<Float>, _ a3: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ depth: Int,
        _ c0: UnsafeMutablePointer<Float>, _ c1: UnsafeMutablePointer<Float>,
        _ c2: UnsafeMutablePointer<Float>, _ c3: UnsafeMutablePointer<Float>
    ) {
        var r00: Float = 0, r01: Float = 0, r02: Float = 0, r03: Float = 0
        var r04: Float = 0, r05: Float = 0, r06: Float = 0, r07: Float = 0
        var r10: Float = 0, r11: Float = 0, r12: Float = 0, r13: Float = 0
        var r14: Float = 0, r15: Float = 0, r16: Float = 0, r17: Float = 0
        var r20: Float = 0, r21: Float = 0, r22: Float = 0, r23: Float = 0
        var r24: Float = 0, r25: Float = 0, r26: Float = 0, r27: Float = 0
        var r30: Float = 0, r31: Float = 0, r32: Float = 0, r33: Float = 0
        var r34: Float = 0, r35: Float = 0, r36: Float = 0, r37: Float = 0
        var w = b
        for k in 0..<depth {
            let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7]
            let x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k]
            r00 += x0 * w0; r01 += x0 * w1; r02 += x0 * w2; r03 += x0 * w3
            r04 += x0 * w4; r05 += x0 * w5; r06 += x0 * w6; r07 += x0 * w7
            r10 += x1 * w0; r11 += x1 * w1; r12 += x1 * w2; r13 += x1 * w3
            r14 += x1 * w4; r15 += x1 * w5; r16 += x1 * w6; r17 += x1 * w7
            r20 += x2 * w0; r21 += x2 * w1; r22 += x2 * w2; r23 += x2 * w3
            r24 += x2 * w4; r25 += x2 * w5; r26 += x2 * w6; r27 += x2 * w7
            r30 += x3 * w0; r31 += x3 * w1; r32 += x3 * w2; r33 += x3 * w3
            r34 += x3 * w4; r35 += x3 * w5; r36 += x3 * w6; r37 += x3 * w7
            w += 8
        }
        c0[0] = r00; c0[1] = r01; c0[2] = r02; c0[3] = r03; c0[4] = r04; c0[5] = r05; c0[6] = r06; c0[7] = r07
        c1[0] = r10; c1[1] = r11; c1[2] = r12; c1[3] = r13; c1[4] = r14; c1[5] = r15; c1[6] = r16; c1[7] = r17
        c2[0] = r20; c2[1] = r21; c2[2] = r22; c2[3] = r23; c2[4] = r24; c2[5] = r25; c2[6] = r26; c2[7] = r27
        c3[0] = r30; c3[1] = r31; c3[2] = r32; c3[3] = r33; c3[4] = r34; c3[5] = r35; c3[6] = r36; c3[7] = r37
    }
}
