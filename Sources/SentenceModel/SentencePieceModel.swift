import Foundation

/// The parts of a SentencePiece `.model` file (a serialised `ModelProto`)
/// that a unigram tokenizer needs: the pieces with their scores and types, and
/// the normalizer spec with its precompiled character map.
///
/// Field numbers follow sentencepiece_model.proto: `ModelProto.pieces` = 1,
/// `trainer_spec` = 2, `normalizer_spec` = 3; inside a piece `piece` = 1,
/// `score` = 2, `type` = 3; inside the normalizer spec `name` = 1,
/// `precompiled_charsmap` = 2, `add_dummy_prefix` = 3,
/// `remove_extra_whitespaces` = 4, `escape_whitespaces` = 5.
public struct SentencePieceModel: Sendable {
    /// `SentencePiece.Type` from the proto.
    public enum PieceType: Int, Sendable {
        case normal = 1
        case unknown = 2
        case control = 3
        case userDefined = 4
        case unused = 5
        case byte = 6
    }

    /// One vocabulary entry; its id is its index in ``pieces``.
    public struct Piece: Sendable, Equatable {
        /// The piece text, with U+2581 standing for a space.
        public let text: String
        /// The unigram log-probability.
        public let score: Float
        /// The piece's role.
        public let type: PieceType
    }

    /// The vocabulary, indexed by piece id.
    public let pieces: [Piece]
    /// The normalizer's name (`nmt_nfkc` for USE multilingual v3).
    public let normalizerName: String
    /// The normalizer's character map: a darts-clone trie followed by the replacement strings.
    public let precompiledCharsmap: [UInt8]
    /// Whether a space is put in front of the text before tokenizing.
    public let addDummyPrefix: Bool
    /// Whether leading, trailing and repeated spaces are dropped.
    public let removeExtraWhitespaces: Bool
    /// Whether spaces are written as U+2581 in the normalised text.
    public let escapeWhitespaces: Bool
    /// `TrainerSpec.model_type` (1 is unigram), or nil when the file has no trainer spec.
    public let modelType: Int?

    /// Reads and parses a `.model` file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SentenceModelError.missingFile(path: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SentenceModelError.unreadableFile(path: path, reason: "\(error)")
        }
        try self.init(bytes: [UInt8](data), source: path)
    }

    /// Parses the bytes of a serialised `ModelProto`.
    public init(bytes: [UInt8], source: String = "<memory>") throws {
        let parsed: SentencePieceModel
        do {
            parsed = try SentencePieceModel(parsing: bytes)
        } catch let failure as ProtobufReader.Failure {
            throw SentenceModelError.malformedSentencePieceModel(path: source, reason: failure.reason)
        }
        if parsed.pieces.isEmpty {
            throw SentenceModelError.malformedSentencePieceModel(path: source, reason: "the model has no pieces")
        }
        if let modelType = parsed.modelType, modelType != 1 {
            throw SentenceModelError.malformedSentencePieceModel(
                path: source, reason: "model_type \(modelType) is not unigram (1)")
        }
        self = parsed
    }

    private init(parsing bytes: [UInt8]) throws {
        var pieces: [Piece] = []
        var normalizerName = ""
        var charsmap: [UInt8] = []
        var addDummyPrefix = true
        var removeExtraWhitespaces = true
        var escapeWhitespaces = true
        var modelType: Int?

        var model = ProtobufReader(bytes)
        while let entry = try model.next() {
            switch (entry.field, entry.value) {
            case (1, .bytes(let range)):
                pieces.append(try Self.parsePiece(bytes, range: range))
            case (2, .bytes(let range)):
                var trainer = ProtobufReader(bytes, range: range)
                while let entry = try trainer.next() {
                    if entry.field == 3, case .varint(let type) = entry.value {
                        modelType = Int(truncatingIfNeeded: type)
                    }
                }
            case (3, .bytes(let range)):
                var spec = ProtobufReader(bytes, range: range)
                while let entry = try spec.next() {
                    switch (entry.field, entry.value) {
                    case (1, .bytes(let text)):
                        normalizerName = String(decoding: bytes[text], as: UTF8.self)
                    case (2, .bytes(let map)):
                        charsmap = Array(bytes[map])
                    case (3, .varint(let flag)):
                        addDummyPrefix = flag != 0
                    case (4, .varint(let flag)):
                        removeExtraWhitespaces = flag != 0
                    case (5, .varint(let flag)):
                        escapeWhitespaces = flag != 0
                    default:
                        break
                    }
                }
            default:
                break  // self-test data, denormalizer spec, future fields
            }
        }
        self.pieces = pieces
        self.normalizerName = normalizerName
        self.precompiledCharsmap = charsmap
        self.addDummyPrefix = addDummyPrefix
        self.removeExtraWhitespaces = removeExtraWhitespaces
        self.escapeWhitespaces = escapeWhitespaces
        self.modelType = modelType
    }

    private static func parsePiece(_ bytes: [UInt8], range: Range<Int>) throws -> Piece {
        var text = ""
        var score: Float = 0
        var type = PieceType.normal
        var reader = ProtobufReader(bytes, range: range)
        while let entry = try reader.next() {
            switch (entry.field, entry.value) {
            case (1, .bytes(let textRange)):
                guard let decoded = String(validating: bytes[textRange], as: UTF8.self) else {
                    throw ProtobufReader.Failure(reason: "piece \(bytes[textRange].count) bytes long is not valid UTF-8")
                }
                text = decoded
            case (2, .fixed32(let bits)):
                score = Float(bitPattern: bits)
            case (3, .varint(let raw)):
                guard let known = PieceType(rawValue: Int(truncatingIfNeeded: raw)) else {
                    throw ProtobufReader.Failure(reason: "unknown piece type \(raw)")
                }
                type = known
            default:
                break
            }
        }
        return Piece(text: text, score: score, type: type)
    }
}
