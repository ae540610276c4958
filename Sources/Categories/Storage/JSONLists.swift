import Foundation
import GRDB

/// Lists kept in one column are JSON arrays, read and filtered with SQLite's JSON functions.
public enum JSONLists {
    /// Rewrites `columns` of every row of `table` from the comma-joined text of earlier versions into
    /// JSON arrays (an empty text becomes `[]`). For migrations.
    public static func convert(table: String, columns: [String], in db: Database) throws {
        let quotedTable = table.quotedDatabaseIdentifier
        for column in columns {
            let quotedColumn = column.quotedDatabaseIdentifier
            let rows = try Row.fetchAll(db, sql: "SELECT rowid AS row_id, \(quotedColumn) AS value FROM \(quotedTable)")
            for row in rows {
                let joined: String = row["value"] ?? ""
                let list = joined.split(separator: ",").map(String.init)
                let json = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
                try db.execute(
                    sql: "UPDATE \(quotedTable) SET \(quotedColumn) = ? WHERE rowid = ?",
                    arguments: [json, row["row_id"] as Int64])
            }
        }
    }
}
