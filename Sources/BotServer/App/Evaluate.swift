import ArgumentParser
import Categories
import Escalation
import Foundation

/// `BotServer eval`: runs the bot's decision over a file of queries and writes one prediction per
/// line in the format of the benchmark scorer (`{"query", "decision", "top", "category"}`).
///
/// Nothing is stored or sent: it is the same decision the server makes for a first message.
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Write the bot's decisions for a queries file (JSON lines with \"query\") as scorer predictions.")

    @Option(help: "Categories as JSON lines ({\"id\", \"name\"}).")
    var categories: String

    @Option(help: "Knowledge entries as JSON lines ({\"id\", \"category\", \"question\", \"similar\", \"answer\"}).")
    var kb: String

    @Option(help: "Synonym groups as JSON lines ({\"id\", \"terms\"}), optional; the server's come from Config/synonyms.jsonl.")
    var synonyms: String?

    @Option(help: "Queries as JSON lines, each with a \"query\" field.")
    var queries: String

    @Option(help: "Where to write the predictions (JSON lines, in query order).")
    var out: String

    @Option(
        help:
            "The configuration folder whose storedesk.yaml gives the answering policy and lexicon (default: STOREDESK_CONFIG or ./Config)."
    )
    var config: String?

    @Option(
        help:
            "The sentence model's folder, or off (default: STOREDESK_SENTENCE_MODEL, or storedesk.yaml's bot.sentenceModel, or models/use-m3 in STOREDESK_DATA or ./data, as the server finds it)."
    )
    var sentenceModel: String?

    /// The process environment, with `--config` in place of STOREDESK_CONFIG and `--sentence-model` in
    /// place of STOREDESK_SENTENCE_MODEL.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let config { environment["STOREDESK_CONFIG"] = config }
        if let sentenceModel { environment[SentenceModelLoading.environmentVariable] = sentenceModel }
        return environment
    }

    func run() async throws {
        var knowledgeBase: KnowledgeBase
        do {
            knowledgeBase = try KnowledgeBase.load(
                categoriesFile: URL(fileURLWithPath: categories), knowledgeFile: URL(fileURLWithPath: kb))
        } catch {
            throw ValidationError("cannot load the knowledge base: \(error)")
        }
        if let synonyms {
            do {
                knowledgeBase.synonyms = try JSONLines.decode(SynonymGroup.self, file: URL(fileURLWithPath: synonyms))
            } catch {
                throw ValidationError("cannot read the synonyms: \(error)")
            }
        }
        let queryLines: [Query]
        do {
            queryLines = try JSONLines.decode(Query.self, file: URL(fileURLWithPath: queries))
        } catch {
            throw ValidationError("cannot read the queries: \(error)")
        }
        let configuration: AppConfiguration
        do {
            configuration = try AppConfiguration.load(environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let settings = configuration.bot
        switch configuration.intents {
        case .read(let source):
            let clock = ContinuousClock()
            let started = clock.now
            let classifier = source.classifier(workers: ThreadPoolWorkers())
            print("hand-over intents: classifier of \(classifier.exampleCount) messages, ready in \(clock.now - started)")
            let scores = Intent.allCases.compactMap { intent in
                classifier.crossValidation[intent].map { "\(intent.rawValue) \($0)" }
            }
            print("  cross-validation on its corpus: " + scores.joined(separator: ", "))
        case .missing(let path):
            print("hand-over intents: the lexicon alone (no \(path))")
        }
        switch configuration.sentenceModel {
        case .loaded(let embedder, let directory, let duration):
            print("sentence model: \(embedder.modelName) from \(directory), loaded in \(duration)")
        case .missing(let path):
            print("sentence model: none, lexical only (no \(path))")
        case .off:
            print("sentence model: turned off, lexical only")
        }
        let clock = ContinuousClock()
        let started = clock.now
        // The server's engine and policy, with the configured answering policy and lexicon.
        let engine = await EngineBuilder().calibrated(for: knowledgeBase, settings: settings)
        let built = clock.now
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var output = Data()
        for line in queryLines {
            output.append(
                try encoder.encode(Prediction(query: line.query, assessment: settings.policy.assess(line.query, with: engine))))
            output.append(UInt8(ascii: "\n"))
        }
        let calibration = engine.calibration
        print(
            "engine built in \(built - started); held-out top1 \(calibration.heldOutTop1), recall3 \(calibration.heldOutRecall3), "
                + "category \(calibration.heldOutCategory), "
                + "answer at P ≥ \(calibration.answerThreshold), suggest at F ≥ \(calibration.suggestThreshold)")
        try output.write(to: URL(fileURLWithPath: out))
        print("wrote \(queryLines.count) predictions to \(out)")
    }

    struct Query: Decodable {
        var query: String
    }

    /// One scorer line: the decision, the top entries, the category.
    struct Prediction: Encodable {
        var query: String
        var decision: String
        var top: [String]
        var category: String?

        init(query: String, assessment: Assessment) {
            self.query = query
            self.decision = assessment.decision.rawValue
            self.top = assessment.candidates.map(\.entry.id.rawValue)
            self.category = assessment.category?.rawValue
        }
    }
}
