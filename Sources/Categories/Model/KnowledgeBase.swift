import Foundation

/// The categories and entries the bot answers from.
public struct KnowledgeBase: Sendable, Equatable {
    public private(set) var categories: [Category]
    public private(set) var entries: [KnowledgeEntry]
    /// Terms read as one before matching.
    public var synonyms: [SynonymGroup]

    /// - Throws: `KnowledgeBaseError` when an entry names an unknown category or an id repeats.
    public init(categories: [Category], entries: [KnowledgeEntry], synonyms: [SynonymGroup] = []) throws(KnowledgeBaseError) {
        let categoryIDs = Set(categories.map(\.id))
        var seen = Set<KnowledgeEntryID>()
        for (index, entry) in entries.enumerated() {
            guard categoryIDs.contains(entry.category) else {
                throw KnowledgeBaseError(line: index + 1, message: "unknown category \"\(entry.category)\" in entry \(entry.id)")
            }
            guard seen.insert(entry.id).inserted else {
                throw KnowledgeBaseError(line: index + 1, message: "duplicate entry id \(entry.id)")
            }
        }
        self.categories = categories
        self.entries = entries
        self.synonyms = synonyms
    }

    /// The published entries, the only ones associates are answered from.
    public var publishedEntries: [KnowledgeEntry] { entries.filter { $0.status == .published } }

    public func category(_ id: CategoryID) -> Category? { categories.first { $0.id == id } }

    public func entry(_ id: KnowledgeEntryID) -> KnowledgeEntry? { entries.first { $0.id == id } }

    /// Loads `categories.jsonl` and `knowledge.jsonl` (JSON lines, the import format) from a folder.
    public static func load(fromDirectory directory: URL) throws(KnowledgeBaseError) -> KnowledgeBase {
        try load(
            categoriesFile: directory.appendingPathComponent("categories.jsonl"),
            knowledgeFile: directory.appendingPathComponent("knowledge.jsonl"))
    }

    /// Loads a categories file and a knowledge file, both JSON lines.
    public static func load(categoriesFile: URL, knowledgeFile: URL) throws(KnowledgeBaseError) -> KnowledgeBase {
        let categories = try JSONLines.decode(Category.self, file: categoriesFile)
        let entries = try JSONLines.decode(KnowledgeEntry.self, file: knowledgeFile)
        return try KnowledgeBase(categories: categories, entries: entries)
    }
}

/// A knowledge base that could not be read, with the line at fault.
public struct KnowledgeBaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending record, when there is one.
    public var line: Int?
    public var message: String

    public init(line: Int? = nil, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}

/// Reads JSON lines, one record per non-blank line, naming the first bad line.
public enum JSONLines {
    public static func decode<Record: Decodable>(_ type: Record.Type, file: URL) throws(KnowledgeBaseError) -> [Record] {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw KnowledgeBaseError(message: "cannot read \(file.path): \(error.localizedDescription)")
        }
        do {
            return try decode(type, from: data)
        } catch {
            throw KnowledgeBaseError(line: error.line, message: "\(file.lastPathComponent): \(error.message)")
        }
    }

    public static func decode<Record: Decodable>(_ type: Record.Type, from data: Data) throws(KnowledgeBaseError) -> [Record] {
        try decodeNumbered(type, from: data).map(\.record)
    }

    /// The records with the 1-based line each came from, so later checks can name their line.
    public static func decodeNumbered<Record: Decodable>(
        _ type: Record.Type, from data: Data
    ) throws(KnowledgeBaseError) -> [(line: Int, record: Record)] {
        let decoder = JSONDecoder()
        var records: [(line: Int, record: Record)] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
            if trimmed.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
                continue
            }
            do {
                records.append((index + 1, try decoder.decode(Record.self, from: Data(line))))
            } catch let DecodingError.keyNotFound(key, _) {
                throw KnowledgeBaseError(line: index + 1, message: "missing \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw KnowledgeBaseError(line: index + 1, message: "wrong type for \"\(field)\"")
            } catch {
                throw KnowledgeBaseError(line: index + 1, message: "invalid JSON")
            }
        }
        return records
    }
}
