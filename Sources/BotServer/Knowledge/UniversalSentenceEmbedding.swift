import Categories
import SentenceModel

/// Google's multilingual Universal Sentence Encoder (SentenceModel) as the matcher's sentence model.
struct UniversalSentenceEmbedding: SentenceEmbedding {
    let encoder: SentenceEncoder

    var modelName: String { "use-multilingual-v3" }
    var dimension: Int { SentenceEncoder.dimension }

    func embed(_ texts: [String]) -> [[Float]] { encoder.embed(texts) }
}
