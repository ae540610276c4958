import Foundation

/// The float32 weights of the USE multilingual v3 network, checked and packed
/// for ``PackedMatrix`` at load time.
///
/// Layout (names are the `.npy` files written by the fetch script):
/// - `proj2|3|5` (512×256 each) + `proj_b*`, layer-normalised together with
///   `ln_g*`/`ln_b*` as one 768-wide row, as the reference backend does;
/// - per n-gram branch (n, left context) ∈ {(2,0), (3,1), (5,2)}: two
///   window convolutions `w1_n`, `w2_n` ((n·256)×256) with biases `b1_n`, `b2_n`;
/// - `ln_g`/`ln_b` over the 1280-wide token features, `cnn_W`/`cnn_b` pooling;
/// - the DNN head `d0`, `p1`, `d1`, `d2`, `p3`, `d3` (no biases) and `eps`.
struct EncoderWeights: Sendable {
    /// One n-gram branch of the CNN.
    struct Branch: Sendable {
        /// Window length n.
        let order: Int
        /// Tokens of context before the current one inside the window.
        let leftContext: Int
        let first: PackedMatrix
        let firstBias: [Float]
        let second: PackedMatrix
        let secondBias: [Float]
    }

    static let embeddingDimension = 512
    static let branchDimension = 256
    static let featureDimension = embeddingDimension + 3 * branchDimension
    static let outputDimension = 512
    static let hiddenDimension = 320

    let projection: PackedMatrix
    let projectionBias: [Float]
    let projectionGamma: [Float]
    let projectionBeta: [Float]
    let branches: [Branch]
    let featureGamma: [Float]
    let featureBeta: [Float]
    let pooling: PackedMatrix
    let poolingBias: [Float]
    let d0: PackedMatrix
    let p1: PackedMatrix
    let d1: PackedMatrix
    let d2: PackedMatrix
    let p3: PackedMatrix
    let d3: PackedMatrix
    let epsilon: Float

    init(directory: URL) throws {
        func array(_ name: String, _ shape: [Int]) throws -> [Float] {
            let array = try NPYArray(contentsOf: directory.appendingPathComponent("\(name).npy"))
            try array.expect(.float32, shape: shape, name: name)
            return array.floats()
        }
        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> PackedMatrix {
            PackedMatrix(rowMajor: try array(name, [rows, columns]), rows: rows, columns: columns)
        }
        let embedding = Self.embeddingDimension
        let branch = Self.branchDimension
        let orders = [2, 3, 5]

        // The three projections share their input, so one 512×768 product
        // replaces three 512×256 ones.
        var projection = [Float](repeating: 0, count: embedding * 3 * branch)
        for (index, order) in orders.enumerated() {
            let part = try array("proj\(order)", [embedding, branch])
            for row in 0..<embedding {
                for column in 0..<branch {
                    projection[row * 3 * branch + index * branch + column] = part[row * branch + column]
                }
            }
        }
        self.projection = PackedMatrix(rowMajor: projection, rows: embedding, columns: 3 * branch)
        projectionBias = try orders.flatMap { try array("proj_b\($0)", [branch]) }
        projectionGamma = try orders.flatMap { try array("ln_g\($0)", [branch]) }
        projectionBeta = try orders.flatMap { try array("ln_b\($0)", [branch]) }

        branches = try zip(orders, [0, 1, 2]).map { order, left in
            Branch(
                order: order, leftContext: left,
                first: try matrix("w1_\(order)", order * branch, branch),
                firstBias: try array("b1_\(order)", [branch]),
                second: try matrix("w2_\(order)", order * branch, branch),
                secondBias: try array("b2_\(order)", [branch]))
        }
        featureGamma = try array("ln_g", [Self.featureDimension])
        featureBeta = try array("ln_b", [Self.featureDimension])
        pooling = try matrix("cnn_W", Self.featureDimension, Self.outputDimension)
        poolingBias = try array("cnn_b", [Self.outputDimension])
        let hidden = Self.hiddenDimension
        let output = Self.outputDimension
        d0 = try matrix("d0", output, hidden)
        p1 = try matrix("p1", output, hidden)
        d1 = try matrix("d1", hidden, hidden)
        d2 = try matrix("d2", hidden, output)
        p3 = try matrix("p3", hidden, output)
        d3 = try matrix("d3", output, output)

        let epsilonArray = try NPYArray(contentsOf: directory.appendingPathComponent("eps.npy"))
        guard epsilonArray.count == 1, let epsilon = epsilonArray.firstValue() else {
            throw SentenceModelError.unexpectedShape(name: "eps", expected: [], found: epsilonArray.shape)
        }
        // The reference adds eps to float32 arrays, i.e. as a float32.
        self.epsilon = Float(epsilon)
    }
}
