import Escalation
import Foundation
import GRDB
import WeComAdapter

/// The single-use response codes that allow updating sent cards (`update_template_card`), kept so that
/// each is used once, and only while WeCom still takes it.
///
/// WeCom answers a card's send (`message/send`) with a code, and every click on the card with a new
/// one (`template_card_event`); each allows one update of the card, for 24 hours from when WeCom gave
/// it (protocol notes §6.4, §9a). The `card_response_code` table keeps the send's code (member `''`)
/// and each member's latest click (a newer click replaces that member's code). An update takes the
/// card's latest code that is neither spent nor about to expire and marks it spent in the transaction
/// that queues the update, so no code is used twice; the recipients of a card left without one, whose
/// buttons still show, are told by text instead (`TicketNoticeRenderer`).
enum CardUpdateCodes {
    static let tableName = "card_response_code"
    /// How long WeCom takes a code after giving it.
    static let lifetime: TimeInterval = CardUpdate.responseCodeLifetime / .seconds(1)
    /// A code this close to expiring is not taken: the update is queued now and may be sent a little
    /// later (a busy outbox, a retry), and a code that expires on the way costs the update.
    static let margin: TimeInterval = 600

    /// A card WeCom took, under one task id: what updating it needs to know.
    struct SentCard: Sendable, Equatable {
        var taskID: String
        var recipients: [String]
        /// The ticket its buttons act on, if it is a ticket's offer card.
        var ticket: TicketNumber?
    }

    /// Keeps `code`, which WeCom gave for the card `taskID` when it was sent (`member` nil) or when
    /// `member` clicked it, at `date`. A member's newer click replaces their older code; the same code
    /// again (a message handled twice) changes nothing, so a spent code stays spent.
    static func record(_ code: String, card taskID: String, member: String?, at date: Date, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO \(tableName) (task_id, member, code, obtained_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (task_id, member) DO UPDATE
                SET code = excluded.code, obtained_at = excluded.obtained_at, spent_at = NULL
                WHERE code != excluded.code
                """,
            arguments: [taskID, member ?? "", code, date])
    }

    /// Takes the latest usable code of the card `taskID` at `now`, for an update of every recipient's
    /// card: spent from now on. Nil when every code is spent or (nearly) expired.
    static func take(card taskID: String, now: Date, in db: Database) throws -> String? {
        // A click's code before the send's when both came at once: the click is the later.
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT member, code FROM \(tableName)
                    WHERE task_id = ? AND spent_at IS NULL AND obtained_at > ?
                    ORDER BY obtained_at DESC, member DESC LIMIT 1
                    """,
                arguments: [taskID, usableSince(now)])
        else { return nil }
        let member: String = row["member"]
        try db.execute(
            sql: "UPDATE \(tableName) SET spent_at = ?, spent_for = ? WHERE task_id = ? AND member = ?",
            arguments: [now, everyone, taskID, member])
        return row["code"]
    }

    /// Takes the code of `tap` (kept by `record` when the tap was handled), for an update of the
    /// tapper's own card: nil when it is spent or (nearly) expired.
    static func take(_ tap: CardTap, now: Date, in db: Database) throws -> String? {
        guard let token = tap.token else { return nil }
        try db.execute(
            sql: """
                UPDATE \(tableName) SET spent_at = ?, spent_for = ?
                WHERE task_id = ? AND member = ? AND code = ? AND spent_at IS NULL AND obtained_at > ?
                """,
            arguments: [now, tap.user, tap.cardID, tap.user, token, usableSince(now)])
        return db.changesCount == 1 ? token : nil
    }

    /// When the code that allows updating with `code` was given, if it is kept.
    static func obtained(_ code: String, in db: Database) throws -> Date? {
        try Date.fetchOne(db, sql: "SELECT MAX(obtained_at) FROM \(tableName) WHERE code = ?", arguments: [code])
    }

    /// The cards WeCom took under `taskIDs` (a desk card's candidates, `CardTaskID`) and the shares
    /// split from them for members who waited (`OutboxSplit`), oldest first.
    static func sentCards(_ taskIDs: [String], in db: Database) throws -> [SentCard] {
        var cards: [SentCard] = []
        var seen = Set<String>()
        for taskID in taskIDs {
            let shares = OutboxSplit.shareTaskIDRange(of: taskID)
            let records = try OutboxRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE status = ? AND (task_id = ? OR (task_id >= ? AND task_id < ?))
                    ORDER BY id
                    """,
                arguments: [OutboxRecord.Status.sent, taskID, shares.lowerBound, shares.upperBound])
            for record in records {
                guard let taskID = record.taskID, seen.insert(taskID).inserted,
                    case .message(let message)? = try? record.item(), case .templateCard(let card) = message.body
                else { continue }
                let ticket = card.buttons.lazy.compactMap { TicketCardAction(cardKey: $0.key) }.first.map {
                    switch $0 {
                    case .claim(let number), .reassign(let number): number
                    }
                }
                cards.append(SentCard(taskID: taskID, recipients: message.toUsers, ticket: ticket))
            }
        }
        return cards
    }

    /// Whether an update of every recipient's copy of the card `taskID` was queued: its buttons are
    /// gone and it says what became of the ticket, so a later change needs no text where the card
    /// cannot say it.
    static func wasUpdatedForEveryone(_ taskID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM \(tableName) WHERE task_id = ? AND spent_for = ?)",
            arguments: [taskID, everyone]) ?? false
    }

    /// `spent_for` of a code spent on every recipient's card.
    private static let everyone = "*"

    /// Codes given after this are still usable for an update queued at `now`.
    private static func usableSince(_ now: Date) -> Date {
        now.addingTimeInterval(-(lifetime - margin))
    }
}
