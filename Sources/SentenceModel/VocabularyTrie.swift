/// A character trie over the vocabulary's pieces, keyed by Unicode scalar.
///
/// Viterbi needs, at every position, every piece that starts there; walking
/// one scalar at a time from the root yields them in increasing length and
/// stops as soon as no piece continues. Edges live in one hash table keyed by
/// (node, scalar) rather than per-node child arrays: the 128k-piece vocabulary
/// has ~250k nodes, most with a single child, so this is both compact and a
/// single probe per step.
struct VocabularyTrie: Sendable {
    /// The root node, where every walk starts.
    static let root: Int32 = 0

    private var edges: [UInt64: Int32] = [:]
    // Piece id that ends at each node, or -1 when the node is only a prefix.
    private var pieceIDs: [Int32] = [-1]

    /// Builds the trie; when two pieces have the same text the later id wins.
    init(pieces: [[Unicode.Scalar]]) {
        edges.reserveCapacity(pieces.count * 2)
        for (id, scalars) in pieces.enumerated() where !scalars.isEmpty {
            var node = Self.root
            for scalar in scalars {
                let key = Self.key(node, scalar.value)
                if let next = edges[key] {
                    node = next
                } else {
                    let next = Int32(pieceIDs.count)
                    pieceIDs.append(-1)
                    edges[key] = next
                    node = next
                }
            }
            pieceIDs[Int(node)] = Int32(id)
        }
    }

    /// Number of nodes, the root included.
    var nodeCount: Int { pieceIDs.count }

    /// The node reached from `node` by `scalar`, if any piece continues that way.
    @inline(__always)
    func child(of node: Int32, _ scalar: UInt32) -> Int32? {
        edges[Self.key(node, scalar)]
    }

    /// The id of the piece spelled by the path to `node`, or -1.
    @inline(__always)
    func pieceID(at node: Int32) -> Int32 {
        pieceIDs[Int(node)]
    }

    // Scalars need 21 bits, so the node index goes above them.
    @inline(__always)
    private static func key(_ node: Int32, _ scalar: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 21 | UInt64(scalar)
    }
}
