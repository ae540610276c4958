import Categories
import Escalation
import Foundation
import GRDB

/// The server's one SQLite database: WAL mode with `synchronous=NORMAL`, migrated at start.
///
/// Each module registers its own migrations; the server owns the inbox and outbox.
struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) `storedesk.sqlite` in `directory` and migrates it.
    static func open(in directory: URL) throws -> AppDatabase {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL (DatabasePool's default) with NORMAL: an acknowledged write survives a process crash.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(5)
        let pool = try DatabasePool(path: directory.appendingPathComponent("storedesk.sqlite").path, configuration: configuration)
        return try AppDatabase(writer: pool)
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("server.v1.inbox-outbox") { db in
            try db.create(table: InboxRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("dedupe_key", .text).notNull().unique()
                table.column("user_id", .text).notNull()
                table.column("xml", .text).notNull()
                table.column("status", .text).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("last_error", .text)
                table.column("received_at", .datetime).notNull()
                table.column("processed_at", .datetime)
            }
            try db.create(index: "inbox_pending", on: InboxRecord.databaseTableName, columns: ["status", "user_id", "id"])
            try db.create(table: OutboxRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("inbox_id", .integer).references(InboxRecord.databaseTableName, onDelete: .setNull)
                table.column("user_id", .text).notNull()
                table.column("payload", .text).notNull()
                table.column("status", .text).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("next_attempt_at", .datetime).notNull()
                table.column("last_errcode", .integer)
                table.column("last_error", .text)
                table.column("wecom_msgid", .text)
                table.column("created_at", .datetime).notNull()
                table.column("sent_at", .datetime)
            }
            try db.create(index: "outbox_pending", on: OutboxRecord.databaseTableName, columns: ["status", "user_id", "id"])
        }
        CategoriesSchema.registerMigrations(in: &migrator)
        migrator.registerMigration("server.v2.conversation") { db in
            try db.create(table: "conversation_state") { table in
                table.primaryKey("user_id", .text)
                table.column("suggestions", .text).notNull().defaults(to: "[]")
                table.column("suggested_at", .datetime)
                table.column("last_answer_log_id", .integer)
                table.column("answered_at", .datetime)
                table.column("welcomed_at", .datetime)
            }
            try db.create(table: QuestionLogRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("user_id", .text).notNull().indexed()
                table.column("message_key", .text).notNull().unique(onConflict: .ignore)
                table.column("text", .text).notNull()
                table.column("decision", .text).notNull()
                table.column("category", .text)
                table.column("entry_id", .text)
                table.column("candidate_ids", .text).notNull()
                table.column("confidence", .double).notNull()
                table.column("reasons", .text).notNull()
                table.column("helpful", .boolean)
                table.column("created_at", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("server.v3.conversation-choices") { db in
            try db.alter(table: "conversation_state") { table in
                table.add(column: "pending_question", .text)
                table.add(column: "category_choices", .text).notNull().defaults(to: "[]")
                table.add(column: "category_choices_at", .datetime)
                table.add(column: "card_task_id", .text)
            }
        }
        migrator.registerMigration("server.v4.directory") { db in
            try db.create(table: AssociatePlace.databaseTableName) { table in
                table.primaryKey("user_id", .text)
                table.column("name", .text)
                table.column("store", .text)
                table.column("region", .text)
                table.column("fetched_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("server.v5.outbox-sending") { db in
            try db.alter(table: OutboxRecord.databaseTableName) { table in
                table.add(column: "started_at", .datetime)
                table.add(column: "duplicate_check", .boolean).notNull().defaults(to: false)
            }
            // Finding each associate's first unsent row (and when it is due) reads this index only:
            // the unsent rows of one status, grouped by associate, oldest first, with their due time.
            try db.create(
                index: "outbox_lane_head", on: OutboxRecord.databaseTableName,
                columns: ["status", "user_id", "id", "next_attempt_at"])
            try db.drop(index: "outbox_pending")
        }
        EscalationSchema.registerMigrations(in: &migrator)
        migrator.registerMigration("server.v6.conversation-moved") { db in
            // The conversation state is Escalation's `conversation` table now. What the old table held
            // (open lists, at most 30 minutes old, and when the welcome was last sent) is not carried over:
            // at worst an associate is welcomed once more.
            try db.drop(table: "conversation_state")
        }
        migrator.registerMigration("server.v7.question-log-json-lists") { db in
            try JSONLists.convert(table: QuestionLogRecord.databaseTableName, columns: ["candidate_ids", "reasons"], in: db)
        }
        migrator.registerMigration("server.v8.outbox-card-updates") { db in
            // A sent card's response code allows one update of it (a ticket claimed: everyone's card
            // says by whom); it is found by the card's task id. Rows queued before have neither.
            try db.alter(table: OutboxRecord.databaseTableName) { table in
                table.add(column: "task_id", .text)
                table.add(column: "response_code", .text)
            }
            // Only cards have a task id: the index holds them alone, and `task_id = ?` still uses it.
            try db.create(
                index: "outbox_task_id", on: OutboxRecord.databaseTableName, columns: ["task_id"],
                condition: Column("task_id") != nil)
        }
        migrator.registerMigration("server.v9.outbox-member-budget") { db in
            // WeCom drops what goes beyond 30 messages a minute and 1000 an hour to one member: each
            // message handed to WeCom is counted here per recipient (and attempt), in whole milliseconds,
            // so that a member's window is one range of the (member, at_ms) index.
            try db.create(table: OutboxMemberBudget.tableName) { table in
                table.column("outbox_id", .integer).notNull()
                table.column("attempt", .integer).notNull()
                table.column("member", .text).notNull()
                table.column("at_ms", .integer).notNull()
                table.primaryKey(["outbox_id", "attempt", "member"])
            }
            try db.create(
                index: "outbox_member_send_window", on: OutboxMemberBudget.tableName, columns: ["member", "at_ms"])
            // Texts merged into a digest while their member waited: the digest's first row, and what a
            // row carrying the digest was queued with.
            try db.alter(table: OutboxRecord.databaseTableName) { table in
                table.add(column: "digest_id", .integer)
                table.add(column: "original_payload", .text)
            }
        }
        migrator.registerMigration("server.v10.card-codes-splits-install") { db in
            // WeCom answers a card's send, and every click on it, with a code that allows one update of
            // the card for 24 hours. Each is kept here (the send's under member '', a click's under its
            // member, the latest click only), and marked spent once an update is queued with it.
            try db.create(table: CardUpdateCodes.tableName) { table in
                table.column("task_id", .text).notNull()
                table.column("member", .text).notNull()
                table.column("code", .text).notNull().indexed()
                table.column("obtained_at", .datetime).notNull()
                table.column("spent_at", .datetime)
                // Whose card the update that spent it changed: '*' for every recipient's, else a member's.
                table.column("spent_for", .text)
                table.primaryKey(["task_id", "member"])
            }
            // The codes of cards sent before: the latest send of each card, spent if an update used it.
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO \(CardUpdateCodes.tableName) (task_id, member, code, obtained_at, spent_at, spent_for)
                    SELECT card.task_id, '', card.response_code, COALESCE(card.sent_at, card.created_at), used.created_at,
                        CASE WHEN used.id IS NULL THEN NULL ELSE '*' END
                    FROM outbox card
                    LEFT JOIN outbox used ON used.id = (
                        SELECT MIN(id) FROM outbox WHERE user_id = 'card:' || card.response_code)
                    WHERE card.task_id IS NOT NULL AND card.response_code IS NOT NULL AND card.status = 'sent'
                    ORDER BY card.id DESC
                    """)
            try db.alter(table: OutboxRecord.databaseTableName) { table in
                // A card update can be sent until its code expires (24 h after WeCom gave it).
                table.add(column: "expires_at", .datetime)
                // A message to several members split because some had their budget spent: the row this
                // one (the share of those who wait) was split from.
                table.add(column: "split_from", .integer)
            }
            // A random id made once per database: card task ids end with it, because WeCom refuses a
            // task id it has seen for the app and a fresh database numbers its tickets from #1001 again.
            try db.create(table: CardTaskID.installTableName) { table in
                table.column("id", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
            try db.execute(
                sql: "INSERT INTO \(CardTaskID.installTableName) (id, created_at) VALUES (lower(hex(randomblob(6))), ?)",
                arguments: [Date()])
        }
        migrator.registerMigration("server.v11.api-idempotency-keys") { db in
            // An `Idempotency-Key` of a ticket action through the API, kept for a day, so that a retried
            // POST is answered from what the first one did instead of doing it twice.
            try db.create(table: IdempotencyKey.tableName) { table in
                table.primaryKey("key", .text)
                table.column("request", .text).notNull()
                table.column("ticket", .integer).notNull()
                table.column("created_at", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("server.v12.holiday-reminder") { db in
            // Which lead was told of which calendar's missing year (`HolidayReminder`): once each.
            try db.create(table: "holiday_reminder") { table in
                table.primaryKey("key", .text)
                table.column("sent_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("server.v13.outbox-pending-heads") { db in
            // Only the pending rows, in order, with all that finding lane heads reads (status too, or SQLite
            // reads the table as well): the outbox worker walks it from the oldest row (`LaneScan`), so its
            // cost follows the unsent rows, never the history.
            try db.execute(
                sql: """
                    CREATE INDEX outbox_pending_order ON outbox(id, user_id, next_attempt_at, status) WHERE status = 'pending'
                    """)
        }
        migrator.registerMigration("server.v14.storage-probe") { db in
            // Written and emptied by `probeWrite` (readiness after a refused write).
            try db.create(table: "storage_probe") { table in
                table.primaryKey("id", .integer)
                table.column("filler", .blob).notNull()
            }
        }
        migrator.registerMigration("server.v15.directory-leaders") { db in
            // `direct_leader` of each member read: the breach ladder's last rung when escalation.yaml names no manager.
            try db.alter(table: AssociatePlace.databaseTableName) { table in
                table.add(column: "direct_leaders", .text).notNull().defaults(to: "[]")
            }
        }
        migrator.registerMigration("server.v16.outbox-inbox-id") { db in
            // Removing an old inbox row looks for outbox rows pointing at it (the foreign key): by index,
            // not by reading the whole outbox (`RetentionSweeper`).
            try db.create(index: "outbox_inbox_id", on: OutboxRecord.databaseTableName, columns: ["inbox_id"])
        }
        return migrator
    }

    /// Commits a write that needs new pages (64 KiB, freed again in the same transaction): it fails as
    /// a callback's insert would when the disk or the page limit is full or the file cannot be written.
    func probeWrite() async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO storage_probe (id, filler) VALUES (1, zeroblob(65536))")
            try db.execute(sql: "DELETE FROM storage_probe")
        }
    }
}
