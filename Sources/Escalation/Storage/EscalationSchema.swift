import GRDB

/// The tables `Escalation` owns; the server registers them into its one migrator.
public enum EscalationSchema {
    /// Adds this module's migrations, in order, to `migrator`.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("escalation.v1.conversation") { db in
            try db.create(table: ConversationRecord.databaseTableName) { table in
                table.primaryKey("user_id", .text)
                table.column("state", .jsonText).notNull()
                table.column("updated_at", .datetime).notNull()
            }
        }
    }
}
