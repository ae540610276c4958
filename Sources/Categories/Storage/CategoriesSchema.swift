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
        migrator.registerMigration("categories.v2.knowledge") { db in
            try db.create(table: CategoryRow.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("description", .text).notNull().defaults(to: "")
                table.column("keywords", .text).notNull().defaults(to: "[]")
                table.column("team", .text)
                table.column("retired_at", .datetime)
                table.column("position", .integer).notNull()
            }
            try db.create(table: KnowledgeEntryRow.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("category", .text).notNull().indexed()
                    .references(CategoryRow.databaseTableName, onDelete: .restrict, onUpdate: .cascade)
                table.column("question", .text).notNull()
                table.column("similar", .text).notNull()
                table.column("answer", .text).notNull()
                table.column("status", .text).notNull()
                table.column("region_answers", .text).notNull().defaults(to: "{}")
                table.column("revision", .integer).notNull()
                table.column("updated_at", .datetime).notNull()
                table.column("updated_by", .text).notNull()
                table.column("position", .integer).notNull()
            }
            try db.create(table: KnowledgeRevision.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("entry_id", .text).notNull()
                table.column("revision", .integer).notNull()
                table.column("change", .text).notNull()
                table.column("snapshot", .text)
                table.column("author", .text).notNull()
                table.column("created_at", .datetime).notNull()
                table.uniqueKey(["entry_id", "revision"])
            }
        }
        migrator.registerMigration("categories.v3.unanswered-reasons") { db in
            try db.alter(table: UnansweredQuestion.databaseTableName) { table in
                table.add(column: "reasons", .text).notNull().defaults(to: "")
                table.add(column: "category", .text)
            }
        }
        migrator.registerMigration("categories.v4.synonyms") { db in
            try db.create(table: SynonymGroupRow.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("terms", .text).notNull()
            }
        }
        migrator.registerMigration("categories.v5.unanswered-review") { db in
            try db.alter(table: UnansweredQuestion.databaseTableName) { table in
                table.add(column: "review", .text).notNull().defaults(to: "open")
                table.add(column: "reviewed_by", .text)
                table.add(column: "reviewed_at", .datetime)
                table.add(column: "review_entry_id", .text)
                table.add(column: "review_note", .text)
            }
            try db.create(
                index: "unanswered_question_on_review", on: UnansweredQuestion.databaseTableName, columns: ["review", "id"])
        }
        migrator.registerMigration("categories.v6.unanswered-json-lists") { db in
            try JSONLists.convert(table: UnansweredQuestion.databaseTableName, columns: ["candidate_ids", "reasons"], in: db)
        }
        migrator.registerMigration("categories.v7.always-person-and-ticket-link") { db in
            try db.alter(table: "category") { table in
                table.add(column: "always_person", .boolean).notNull().defaults(to: false)
            }
            // The ticket a hand-over became (the review queue links to it).
            try db.alter(table: UnansweredQuestion.databaseTableName) { table in
                table.add(column: "ticket_number", .integer)
            }
        }
    }
}
