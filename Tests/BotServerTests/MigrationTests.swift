import Foundation
import GRDB
import Testing

@testable import BotServer

@Suite("Migrations")
struct MigrationTests {
    @Test("Lists stored comma-joined by earlier versions become JSON arrays, and reason filters still find them")
    func commaListsBecomeJSON() throws {
        let queue = try DatabaseQueue()
        // Each module's migrations run in their order: the unanswered questions' lists as categories.v5
        // left them, the question log's as server.v6 did.
        try AppDatabase.migrator.migrate(queue, upTo: "categories.v5.unanswered-review")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO unanswered_question (user_id, text, candidate_ids, best_score, message_key, created_at, reasons)
                    VALUES ('lisi', '小票', 'system-001,order-002', 0.3, 'k1', '2026-01-01 00:00:00', 'requested_human,complaint'),
                           ('wangwu', '你好', '', 0, 'k2', '2026-01-01 00:00:00', '')
                    """)
        }
        try AppDatabase.migrator.migrate(queue, upTo: "server.v6.conversation-moved")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO question_log (user_id, message_key, text, decision, candidate_ids, confidence, reasons, created_at)
                    VALUES ('lisi', 'k1', '小票', 'escalate', 'system-001,order-002', 0.3, 'requested_human', '2026-01-01 00:00:00')
                    """)
        }
        try AppDatabase.migrator.migrate(queue)
        let (reasons, candidates, complaints) = try queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT reasons FROM unanswered_question ORDER BY id"),
                try String.fetchOne(db, sql: "SELECT candidate_ids FROM question_log"),
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM unanswered_question WHERE EXISTS (SELECT 1 FROM json_each(reasons) WHERE value = ?)",
                    arguments: ["complaint"])
            )
        }
        #expect(reasons == [#"["requested_human","complaint"]"#, "[]"])
        #expect(candidates == #"["system-001","order-002"]"#)
        #expect(complaints == 1)
    }
}
