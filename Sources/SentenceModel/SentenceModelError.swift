import Foundation

/// Everything that can go wrong while loading the sentence model.
///
/// Loading is the only fallible step: once a ``SentenceEncoder`` exists,
/// embedding cannot fail, so callers only have to handle these at start-up.
public enum SentenceModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model folder or one of its files does not exist.
    case missingFile(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// A `.npy` file does not follow the NumPy format (or uses a feature this reader does not support).
    case malformedNPY(path: String, reason: String)
    /// An array has a different element type than the model expects.
    case unexpectedDataType(name: String, expected: String, found: String)
    /// An array has a different shape than the model expects.
    case unexpectedShape(name: String, expected: [Int], found: [Int])
    /// `sp.model` is not a SentencePiece model this tokenizer understands.
    case malformedSentencePieceModel(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "sentence model file not found: \(path) (run scripts/fetch-sentence-model.py to download the weights)"
        case .unreadableFile(let path, let reason):
            return "cannot read sentence model file \(path): \(reason)"
        case .malformedNPY(let path, let reason):
            return "malformed .npy file \(path): \(reason)"
        case .unexpectedDataType(let name, let expected, let found):
            return "array \(name) has dtype \(found), expected \(expected)"
        case .unexpectedShape(let name, let expected, let found):
            return "array \(name) has shape \(found), expected \(expected)"
        case .malformedSentencePieceModel(let path, let reason):
            return "malformed SentencePiece model \(path): \(reason)"
        }
    }
}
