import Foundation

/// What the simulated associates write: the knowledge base's own phrasings (real store questions, so
/// most are answered), spread over many associates of many stores.
struct Corpus: Sendable {
    /// Every question and similar phrasing of `knowledge.jsonl`.
    let questions: [String]
    /// WeCom user ids: `s0421-03` is associate 3 of store 421.
    let users: [String]
    let stores: Int

    private struct Entry: Decodable {
        var question: String
        var similar: [String]?
    }

    init(knowledgeFile: URL, users count: Int, stores: Int) throws {
        let text = try String(contentsOf: knowledgeFile, encoding: .utf8)
        let decoder = JSONDecoder()
        var questions: [String] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            let entry = try decoder.decode(Entry.self, from: Data(line.utf8))
            questions.append(entry.question)
            questions.append(contentsOf: entry.similar ?? [])
        }
        guard !questions.isEmpty else { throw LoadTestError("no questions in \(knowledgeFile.path)") }
        self.questions = questions
        self.stores = stores
        self.users = (0..<count).map { index in
            String(format: "s%04d-%02d", index % stores + 1, index / stores + 1)
        }
    }

    /// The store (1-based) an associate works in.
    func store(ofUser user: String) -> Int? {
        guard user.hasPrefix("s"), let dash = user.firstIndex(of: "-") else { return nil }
        return Int(user[user.index(after: user.startIndex)..<dash])
    }

    /// The question of an associate's `round`-th message: one associate never repeats a question within
    /// `questions.count` messages (a repeat within 10 minutes gets the bot's "asked again" reply).
    func questionIndex(user: Int, round: Int, salt: Int) -> Int {
        (user &* 7 &+ round &* 13 &+ salt) % questions.count
    }
}

/// A failure of the benchmark itself (not of a server under test).
struct LoadTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
