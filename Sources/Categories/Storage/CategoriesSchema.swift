import GRDB

/// The tables `Categories` owns; the server registers them into its one migrator.
public enum CategoriesSchema {
    /// Adds this module's migrations, in order, to `migrator`.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("categories.v1.unanswered") { db in
            try db.create(table: UnansweredQuestion.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("user_id", .text).notNull()
                table.column("text", .text).notNull()
                table.column("candidate_ids", .text).notNull()
                table.column("best_score", .double).notNull()
                table.column("message_key", .text).notNull().unique(onConflict: .ignore)
                table.column("created_at", .datetime).notNull().indexed()
            }
        }
    }
}
