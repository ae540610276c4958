import Foundation
import SwiftCSV

/// Categories and knowledge entries as CSV with a header row, for admins who keep them in a spreadsheet.
///
/// Entry columns: `id, category, question, similar, answer`, optionally `status`. Category columns:
/// `id, name`, optionally `description, keywords, team`. A cell holding several values (similar
/// phrasings, keywords) separates them with line breaks or `|`. Errors name the row's line, counting
/// the header as line 1 (a cell with line breaks makes later rows' lines differ from the file's).
public enum SpreadsheetFormat {
    /// The entries of a CSV file, numbered by line.
    public static func entries(fromCSV text: String) throws(KnowledgeBaseError) -> [(line: Int, record: KnowledgeEntry)] {
        var entries: [(line: Int, record: KnowledgeEntry)] = []
        for (line, row) in try rows(text, required: ["id", "category", "question", "similar", "answer"]) {
            var status = KnowledgeEntry.Status.published
            if let raw = row["status"], !raw.isEmpty {
                guard let parsed = KnowledgeEntry.Status(rawValue: raw) else {
                    throw KnowledgeBaseError(line: line, message: "status must be draft or published, not \"\(raw)\"")
                }
                status = parsed
            }
            let entry = KnowledgeEntry(
                id: KnowledgeEntryID(rawValue: row["id"] ?? ""), category: CategoryID(rawValue: row["category"] ?? ""),
                question: row["question"] ?? "", similar: list(row["similar"]), answer: row["answer"] ?? "",
                status: status)
            entries.append((line, entry))
        }
        return entries
    }

    /// The categories of a CSV file, numbered by line.
    public static func categories(fromCSV text: String) throws(KnowledgeBaseError) -> [(line: Int, record: Category)] {
        try rows(text, required: ["id", "name"]).map { line, row in
            (
                line,
                Category(
                    id: CategoryID(rawValue: row["id"] ?? ""), name: row["name"] ?? "", description: row["description"] ?? "",
                    keywords: list(row["keywords"]), team: row["team"].flatMap { $0.isEmpty ? nil : $0 })
            )
        }
    }

    /// The entries as CSV, readable back by `entries(fromCSV:)`.
    public static func csv(entries: [KnowledgeEntry]) -> String {
        let header = "id,category,question,similar,answer,status"
        let lines = entries.map { entry in
            [
                entry.id.rawValue, entry.category.rawValue, entry.question, entry.similar.joined(separator: "\n"), entry.answer,
                entry.status.rawValue,
            ].map(quote).joined(separator: ",")
        }
        return ([header] + lines).joined(separator: "\r\n") + "\r\n"
    }

    // MARK: - Helpers

    private static func rows(_ text: String, required: [String]) throws(KnowledgeBaseError) -> [(Int, [String: String])] {
        let csv: CSV<Named>
        do {
            csv = try CSV<Named>(string: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, delimiter: .comma)
        } catch {
            throw KnowledgeBaseError(message: "not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let missing = required.first(where: { !header.contains($0) }) {
            throw KnowledgeBaseError(line: 1, message: "the header row has no \"\(missing)\" column")
        }
        return csv.rows.enumerated().map { index, row in
            let normalised = Dictionary(
                row.map {
                    ($0.key.trimmingCharacters(in: .whitespaces).lowercased(), $0.value.trimmingCharacters(in: .whitespaces))
                },
                uniquingKeysWith: { first, _ in first })
            return (index + 2, normalised)
        }
    }

    private static func list(_ cell: String?) -> [String] {
        (cell ?? "").split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "|" || $0 == "｜" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
