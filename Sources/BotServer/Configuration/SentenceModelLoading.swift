import Categories
import Foundation
import Logging
import SentenceModel

/// The sentence model the matcher and the intent classifier use beside their character n-grams, or why
/// they run lexical-only.
///
/// Its weights are fetched by `scripts/fetch-sentence-model.py` (never committed) into `models/use-m3`
/// in the data folder, where it is looked for by default: without them StoreDesk runs as before.
/// `STOREDESK_SENTENCE_MODEL` (a folder, or `off`) or `bot.sentenceModel` in storedesk.yaml (a folder,
/// relative to the data folder) choose another; a folder named there must load.
enum SentenceModelLoading: Sendable {
    case loaded(SentenceEmbedder, directory: String, duration: Duration)
    /// Not at the default place: lexical-only.
    case missing(path: String)
    /// Turned off (`off`).
    case off

    static let defaultFolder = "models/use-m3"
    static let environmentVariable = SentenceEncoder.directoryEnvironmentVariable

    /// - Parameter configured: `bot.sentenceModel` from storedesk.yaml, if any.
    static func load(environment: [String: String], configured: String?, dataDirectory: URL) throws(ConfigurationError)
        -> SentenceModelLoading
    {
        let named = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? configured
        if named?.lowercased() == "off" { return .off }
        let url =
            named.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : dataDirectory.appendingPathComponent($0) }
            ?? dataDirectory.appendingPathComponent(defaultFolder)
        if named == nil, !FileManager.default.fileExists(atPath: url.appendingPathComponent("sp.model").path) {
            return .missing(path: url.path)
        }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let encoder = try SentenceEncoder(directory: url)
            return .loaded(
                SentenceEmbedder(model: UniversalSentenceEmbedding(encoder: encoder)), directory: url.path,
                duration: clock.now - started)
        } catch {
            throw ConfigurationError(
                "the sentence model at \(url.path) cannot be loaded (\(error)); fetch it with scripts/fetch-sentence-model.py, or set \(environmentVariable)=off"
            )
        }
    }

    var embedder: SentenceEmbedder? {
        switch self {
        case .loaded(let embedder, _, _): embedder
        case .missing, .off: nil
        }
    }

    /// One line at start.
    func log(to logger: Logger) {
        switch self {
        case .loaded(let embedder, let directory, let duration):
            logger.info(
                "Sentence model loaded: matching and hand-over intents use it beside character n-grams",
                metadata: ["model": "\(embedder.modelName)", "directory": "\(directory)", "seconds": "\(duration)"])
        case .missing(let path):
            logger.notice(
                "No sentence model: matching is lexical only (scripts/fetch-sentence-model.py fetches one)",
                metadata: ["missing": "\(path)"])
        case .off:
            logger.notice("Sentence model turned off (\(Self.environmentVariable)=off): matching is lexical only")
        }
    }
}
