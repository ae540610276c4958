import Foundation

/// The 8-bit token embedding table, dequantised one row at a time.
///
/// The wheel stores the 128k × 512 table as 17 `uint8` chunks: row `id` lives
/// in chunk `id % 17` at index `id / 17`, and its floats are
/// `Float(q) · scale[chunk] + lo[chunk]`. Keeping the bytes (memory-mapped,
/// so only rows actually used become resident) instead of a 262 MB float
/// table costs one multiply-add per element when a token is looked up.
struct QuantizedEmbeddingTable: Sendable {
    /// Width of one embedding row.
    let dimension: Int
    /// Rows per chunk file.
    let rowsPerChunk: Int
    private let chunks: [NPYArray]
    private let scale: [Float]
    private let offset: [Float]

    /// Total number of rows (token ids) the table can serve.
    var rowCount: Int { chunks.count * rowsPerChunk }

    /// Loads `scale.npy`, `lo.npy` and `q1.npy` … `qN.npy` from `directory`.
    init(directory: URL, dimension: Int) throws {
        let scaleArray = try NPYArray(contentsOf: directory.appendingPathComponent("scale.npy"))
        let offsetArray = try NPYArray(contentsOf: directory.appendingPathComponent("lo.npy"))
        guard scaleArray.shape.count == 1, scaleArray.count > 0 else {
            throw SentenceModelError.unexpectedShape(name: "scale", expected: [17], found: scaleArray.shape)
        }
        let chunkCount = scaleArray.count
        try scaleArray.expect(.float32, shape: [chunkCount], name: "scale")
        try offsetArray.expect(.float32, shape: [chunkCount], name: "lo")

        var chunks: [NPYArray] = []
        var rowsPerChunk = 0
        for index in 1...chunkCount {
            let chunk = try NPYArray(contentsOf: directory.appendingPathComponent("q\(index).npy"), memoryMapped: true)
            if index == 1 {
                rowsPerChunk = chunk.shape.first ?? 0
            }
            try chunk.expect(.uint8, shape: [rowsPerChunk, dimension], name: "q\(index)")
            chunks.append(chunk)
        }
        self.dimension = dimension
        self.rowsPerChunk = rowsPerChunk
        self.chunks = chunks
        self.scale = scaleArray.floats()
        self.offset = offsetArray.floats()
    }

    /// Writes the float embedding of token `id` to `destination[0 ..< dimension]`.
    func dequantize(row id: Int, into destination: UnsafeMutablePointer<Float>) {
        let chunk = id % chunks.count
        let row = id / chunks.count
        precondition(row < rowsPerChunk, "token id \(id) outside the embedding table")
        // Two roundings (product, then sum) like the reference's in-place numpy ops.
        let scale = SIMD8<Float>(repeating: self.scale[chunk])
        let offset = SIMD8<Float>(repeating: self.offset[chunk])
        let dimension = self.dimension
        chunks[chunk].withUnsafePayload { raw in
            let bytes = raw.baseAddress! + row * dimension
            var index = 0
            while index + 8 <= dimension {
                let quantized = bytes.loadUnaligned(fromByteOffset: index, as: SIMD8<UInt8>.self)
                let value = SIMD8<Float>(quantized) * scale + offset
                UnsafeMutableRawPointer(destination + index).storeBytes(of: value, as: SIMD8<Float>.self)
                index += 8
            }
            while index < dimension {
                destination[index] = Float(bytes.load(fromByteOffset: index, as: UInt8.self)) * scale[0] + offset[0]
                index += 1
            }
        }
    }
}
