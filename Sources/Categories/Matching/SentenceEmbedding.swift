/// A sentence model: turns a text into a unit-length vector whose dot product with another text's says
/// how close the two are in meaning, whatever words they share.
///
/// The matcher and the intent classifier use one beside their character n-grams when the server has
/// one (`SentenceEmbedder`); the model itself lives outside this module (BotServer wires Google's
/// multilingual Universal Sentence Encoder from the SentenceModel module).
public protocol SentenceEmbedding: Sendable {
    /// Names the model and its weights: two embeddings with the same name give the same vectors.
    var modelName: String { get }
    /// The length of every vector.
    var dimension: Int { get }
    /// The unit-length vectors of `texts`, in order.
    func embed(_ texts: [String]) -> [[Float]]
}
