import ArgumentParser
import Categories
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

    @Option(help: "Queries as JSON lines, each with a \"query\" field.")
    var queries: String

    @Option(help: "Where to write the predictions (JSON lines, in query order).")
    var out: String

    func run() async throws {
        let knowledgeBase: KnowledgeBase
        do {
            knowledgeBase = try KnowledgeBase.load(
                categoriesFile: URL(fileURLWithPath: categories), knowledgeFile: URL(fileURLWithPath: kb))
        } catch {
            throw ValidationError("cannot load the knowledge base: \(error)")
        }
        let queryLines: [Query]
        do {
            queryLines = try JSONLines.decode(Query.self, file: URL(fileURLWithPath: queries))
        } catch {
            throw ValidationError("cannot read the queries: \(error)")
        }
        let settings = try AppConfiguration.load().bot
        let answerer = FirstAnswerer(
            knowledgeBase: knowledgeBase, minimumScore: settings.answerMinimumScore,
            minimumMargin: settings.answerMinimumMargin)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var output = Data()
        for line in queryLines {
            let prediction = Prediction(
                query: line.query, decision: answerer.decide(line.query), ranked: answerer.rank(line.query),
                knowledgeBase: knowledgeBase)
            output.append(try encoder.encode(prediction))
            output.append(UInt8(ascii: "\n"))
        }
        try output.write(to: URL(fileURLWithPath: out))
        print("wrote \(queryLines.count) predictions to \(out)")
    }

    struct Query: Decodable {
        var query: String
    }

    /// One scorer line. Until suggestions and hand-over exist, what the bot cannot answer with
    /// confidence is handed over (`escalate`), which is what the server does with it today.
    struct Prediction: Encodable {
        var query: String
        var decision: String
        var top: [String]
        var category: String?

        init(query: String, decision: AnswerDecision, ranked: [QuestionMatcher.Match], knowledgeBase: KnowledgeBase) {
            self.query = query
            self.top = ranked.map(\.entryID.rawValue)
            switch decision {
            case .answer(let entry, _):
                self.decision = "answer"
                // The answered entry leads, whatever the ranking's ties.
                self.top = [entry.id.rawValue] + top.filter { $0 != entry.id.rawValue }
            case .noConfidentAnswer:
                self.decision = "escalate"
            }
            self.category = top.first.flatMap { knowledgeBase.entry(KnowledgeEntryID(rawValue: $0))?.category.rawValue }
        }
    }
}
