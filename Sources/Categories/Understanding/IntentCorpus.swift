import Foundation

/// Messages labelled with their intents, one JSON object a line: `{"text": "收银又挂了！！", "intents":
/// ["complaint", "urgent"]}`. The label `question` (a routine work question) is no intent; a line may
/// carry several. `Config/intents.jsonl` is the training corpus (see `Config/intents.README.md`).
public struct IntentCorpus: Sendable, Hashable {
    /// One labelled message.
    public struct Example: Sendable, Hashable {
        public var text: String
        public var intents: Set<Intent>

        public init(text: String, intents: Set<Intent>) {
            self.text = text
            self.intents = intents
        }
    }

    public var examples: [Example]

    public init(examples: [Example]) {
        self.examples = examples
    }

    /// Reads JSON lines; blank lines are skipped.
    public init(jsonLines data: Data) throws(IntentCorpusError) {
        struct Line: Decodable {
            var text: String
            var intents: [String]
        }
        var examples: [Example] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !Set<UInt8>([0x20, 0x09, 0x0D]).contains($0) }) else { continue }
            let decoded: Line
            do {
                decoded = try decoder.decode(Line.self, from: Data(line))
            } catch {
                throw .invalidLine(number + 1, "not a JSON object with \"text\" and \"intents\"")
            }
            var intents = Set<Intent>()
            for label in decoded.intents where label != Self.questionLabel {
                guard let intent = Intent(rawValue: label) else { throw .invalidLine(number + 1, "unknown intent \"\(label)\"") }
                intents.insert(intent)
            }
            examples.append(Example(text: decoded.text, intents: intents))
        }
        self.examples = examples
    }

    /// Reads a JSON-lines file.
    public init(contentsOf url: URL) throws(IntentCorpusError) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .unreadable(url.path) }
        try self.init(jsonLines: data)
    }

    /// The label of a routine work question, which carries no intent.
    public static let questionLabel = "question"
}

/// Why an intent corpus cannot be read.
public enum IntentCorpusError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(String)
    /// A line (1-based) is not `{"text", "intents"}` with known labels.
    case invalidLine(Int, String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .invalidLine(let line, let reason): "line \(line): \(reason)"
        }
    }
}
