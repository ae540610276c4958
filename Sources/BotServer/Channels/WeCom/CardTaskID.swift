import GRDB

/// The `task_id` a ticket's offer card has in WeCom: the desk's card id and this install's id,
/// `sd-t1001-1-3f9a0c12be47`.
///
/// WeCom refuses a `task_id` it has seen for the app, and the desk names a card after its ticket's
/// number (`sd-t1001-1`), which a fresh database starts again at #1001. The install id is random,
/// made once with the database (migration `server.v10`) and kept in it, so a reinstall's cards never
/// repeat the last one's. Cards sent before install ids kept their bare id; a card split for a member
/// whose budget was spent adds `-s1`, `-s2`… (`OutboxSplit.shareTaskID(of:index:)`).
enum CardTaskID {
    /// The one-row table that holds the install id.
    static let installTableName = "server_install"

    /// The database has no install id: it was not migrated.
    struct MissingInstallID: Error {}

    /// This database's install id: 12 lowercase hex digits.
    static func install(in db: Database) throws -> String {
        guard let id = try String.fetchOne(db, sql: "SELECT id FROM \(installTableName) ORDER BY rowid LIMIT 1") else {
            throw MissingInstallID()
        }
        return id
    }

    /// The `task_id` of the desk's card `cardID` in the install `install`, within WeCom's
    /// `[0-9A-Za-z_-@]` and 128 bytes.
    static func taskID(ofCard cardID: String, install: String) -> String {
        "\(cardID)-\(install)"
    }

    /// The task ids the desk's card `cardID` may have been sent under: this install's, and the bare id
    /// of a card sent before install ids.
    static func candidates(ofCard cardID: String, install: String) -> [String] {
        [taskID(ofCard: cardID, install: install), cardID]
    }
}
