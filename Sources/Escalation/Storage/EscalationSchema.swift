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
        migrator.registerMigration("escalation.v2.tickets") { db in
            try db.create(table: Ticket.databaseTableName) { table in
                // AUTOINCREMENT: a number is never given twice.
                table.autoIncrementedPrimaryKey("number")
                table.column("requester", .text).notNull().indexed()
                table.column("requester_name", .text)
                table.column("store", .text).indexed()
                table.column("region", .text)
                table.column("category", .text)
                table.column("category_name", .text)
                table.column("priority", .text).notNull()
                table.column("status", .text).notNull().indexed()
                table.column("subject", .text).notNull()
                table.column("question", .text).notNull()
                table.column("team", .text).notNull()
                table.column("assignee", .text).indexed()
                table.column("assignee_name", .text)
                table.column("offered_to", .jsonText).notNull().defaults(to: "[]")
                table.column("offer_cards", .jsonText).notNull().defaults(to: "[]")
                table.column("reasons", .jsonText).notNull().defaults(to: "[]")
                table.column("candidates", .jsonText).notNull().defaults(to: "[]")
                table.column("confidence", .double).notNull().defaults(to: 0)
                table.column("intake", .jsonText).notNull().defaults(to: "[]")
                table.column("created_at", .datetime).notNull()
                table.column("response_due_at", .datetime)
                table.column("claimed_at", .datetime)
                table.column("first_reply_at", .datetime)
                table.column("resolved_at", .datetime)
                table.column("resolution", .text)
                table.column("closed_at", .datetime)
                table.column("rating", .text)
                table.column("rated_at", .datetime)
                table.column("last_added_notice_at", .datetime)
            }
            // The first ticket is #1001.
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('ticket', 1000)")
            try db.create(table: TicketEvent.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("ticket", .integer).notNull().indexed().references("ticket", onDelete: .cascade)
                table.column("at", .datetime).notNull()
                table.column("actor", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("text", .text)
                table.column("detail", .text)
            }
            try db.create(table: TicketMessage.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("ticket", .integer).notNull().indexed().references("ticket", onDelete: .cascade)
                table.column("at", .datetime).notNull()
                table.column("direction", .text).notNull()
                table.column("author", .text).notNull()
                table.column("text", .text).notNull()
            }
        }
        migrator.registerMigration("escalation.v3.conversation-due") { db in
            // When a conversation needs the bot without a message from the associate (an intake left
            // unanswered goes ahead), so that a sweep finds those few without reading every state.
            try db.alter(table: ConversationRecord.databaseTableName) { table in
                table.add(column: "due_at", .datetime)
            }
            try db.create(index: "conversation_due_at", on: ConversationRecord.databaseTableName, columns: ["due_at"])
        }
        migrator.registerMigration("escalation.v4.sla") { db in
            try db.alter(table: Ticket.databaseTableName) { table in
                table.add(column: "resolution_due_at", .datetime)
                table.add(column: "first_response_warn_at", .datetime)
                table.add(column: "resolution_warn_at", .datetime)
                table.add(column: "first_response_breached_at", .datetime)
                table.add(column: "resolution_breached_at", .datetime)
                table.add(column: "first_response_minutes", .integer)
                table.add(column: "resolution_minutes", .integer)
                table.add(column: "held_since", .datetime)
                table.add(column: "waiting_since", .datetime)
                table.add(column: "wait_question", .text)
                table.add(column: "follow_up_of", .integer)
                table.add(column: "alarms_done", .jsonText).notNull().defaults(to: "[]")
                table.add(column: "next_check_at", .datetime)
            }
            // The scheduler asks for the few tickets due now, not for every ticket.
            try db.create(index: "ticket_next_check_at", on: Ticket.databaseTableName, columns: ["next_check_at"])
            // Who said 下班, until when (`AgentDuty`).
            try db.create(table: AgentDuty.databaseTableName) { table in
                table.primaryKey("agent", .text)
                table.column("off_until", .datetime)
                table.column("changed_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("escalation.v5.event-actor") { db in
            // An agent's picture goes to the ticket they last acted on: their latest events, not every event.
            try db.create(index: "ticket_event_actor_at", on: TicketEvent.databaseTableName, columns: ["actor", "at"])
        }
    }
}
