import Categories
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// Import and export of categories and knowledge entries as JSON lines (admin token required).
///
/// Imports are all or nothing: the first bad line gives 400 naming it, and nothing changes.
struct KnowledgeAdminController<Context: RequestContext> {
    /// Imports may be large (tens of MB); beyond this they are refused.
    static var maxImportBytes: Int { 64 * 1024 * 1024 }

    let editor: KnowledgeEditor
    private var store: any KnowledgeStore { editor.store }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("categories/import", use: importCategories)
        group.get("categories/export", use: exportCategories)
        group.post("knowledge/import", use: importKnowledge)
        group.get("knowledge/export", use: exportKnowledge)
    }

    struct ImportResult: ResponseEncodable {
        var imported: Int
        /// Which calibration decides from now: an import that changed much of the knowledge base returns
        /// once its own is live (`calibrated`).
        var calibration: String
    }

    @Sendable func importCategories(_ request: Request, context: Context) async throws -> ImportResult {
        try await importLines(Category.self, request, context, csv: SpreadsheetFormat.categories(fromCSV:)) { lines, mode in
            try await store.importCategories(lines, mode: mode, author: "admin")
        }
    }

    @Sendable func importKnowledge(_ request: Request, context: Context) async throws -> ImportResult {
        try await importLines(KnowledgeEntry.self, request, context, csv: SpreadsheetFormat.entries(fromCSV:)) { lines, mode in
            try await store.importEntries(lines, mode: mode, author: "admin")
        }
    }

    @Sendable func exportCategories(_ request: Request, context: Context) async throws -> Response {
        try jsonLines(try await store.knowledgeBase().categories)
    }

    /// The formats of the knowledge export besides JSON lines.
    enum ExportFormat: String {
        case csv
    }

    /// JSON lines, or CSV with `?format=csv`; any other format is 400.
    @Sendable func exportKnowledge(_ request: Request, context: Context) async throws -> Response {
        let format = try QueryChoice.value("format", of: request, allowed: [ExportFormat.csv], logger: context.logger)
        let entries = try await store.knowledgeBase().entries
        guard format == .csv else { return try jsonLines(entries) }
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: SpreadsheetFormat.csv(entries: entries))))
    }

    // MARK: - Helpers

    private func importMode(_ request: Request, _ context: Context) throws -> ImportMode {
        try QueryChoice.value("mode", of: request, allowed: [ImportMode.merge, .replace], logger: context.logger) ?? .merge
    }

    /// The body's records: JSON lines, or CSV with a header row when the content type is `text/csv`.
    private func decodeLines<Record: Decodable>(
        _ type: Record.Type, _ request: Request, _ context: Context,
        csv: (String) throws(KnowledgeBaseError) -> [(line: Int, record: Record)]
    ) async throws -> [(line: Int, record: Record)] {
        let isCSV = request.headers[.contentType]?.lowercased().hasPrefix("text/csv") ?? false
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxImportBytes)
        } catch {
            throw APIError(.contentTooLarge, "the import is larger than \(Self.maxImportBytes) bytes")
        }
        do throws(KnowledgeBaseError) {
            // An empty import would hold no records, so `replace` would remove everything: surely a
            // client that lost its file on the way, never what an admin meant.
            if body.readableBytesView.allSatisfy({ [9, 10, 11, 12, 13, 32].contains($0) }) {
                throw KnowledgeBaseError(message: "the import is empty: send JSON lines, or CSV with a header row")
            }
            if isCSV {
                guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
                    throw KnowledgeBaseError(message: "the CSV is not UTF-8 (save it as \"CSV UTF-8\")")
                }
                return try csv(text)
            }
            return try JSONLines.decodeNumbered(type, from: Data(buffer: body))
        } catch {
            context.logger.warning("Import refused", metadata: ["reason": "\(error)"])
            throw APIError(.badRequest, error.message, line: error.line)
        }
    }

    /// Decodes the body, runs the import and makes its result live; a refused import answers 400
    /// with its line, and nothing changes.
    private func importLines<Record: Decodable>(
        _ type: Record.Type, _ request: Request, _ context: Context,
        csv: (String) throws(KnowledgeBaseError) -> [(line: Int, record: Record)],
        _ perform: ([(line: Int, record: Record)], ImportMode) async throws -> Int
    ) async throws -> ImportResult {
        let mode = try importMode(request, context)
        let lines = try await decodeLines(type, request, context, csv: csv)
        let (count, calibration) = try await editor.changeReportingCalibration(logger: context.logger) { _ in
            try await perform(lines, mode)
        }
        context.logger.info(
            "Imported", metadata: ["records": "\(Record.self)", "count": "\(count)", "mode": "\(mode.rawValue)"])
        return ImportResult(imported: count, calibration: calibration.rawValue)
    }

    private func jsonLines(_ records: [some Encodable]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var buffer = ByteBuffer()
        for record in records {
            buffer.writeBytes(try encoder.encode(record))
            buffer.writeString("\n")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}
