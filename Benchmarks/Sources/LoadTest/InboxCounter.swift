import CSQLite

/// Reads a server's inbox from its SQLite file (read-only, beside the server's own connections: WAL
/// lets a reader in without blocking the writer). Both servers keep `inbox(status)` with 'pending'
/// for what is accepted but not yet handled.
struct InboxCounter: Sendable {
    let path: String

    struct Counts: Sendable {
        var pending: Int
        var total: Int
    }

    func counts() -> Counts? {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            sqlite3_close(db)
            return nil
        }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 2000)
        var statement: OpaquePointer?
        let sql = "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending'), (SELECT count(*) FROM inbox)"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        return Counts(pending: Int(sqlite3_column_int64(statement, 0)), total: Int(sqlite3_column_int64(statement, 1)))
    }
}
