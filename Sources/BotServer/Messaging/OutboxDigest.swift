import Foundation
import GRDB
import WeComAdapter

/// Texts that wait for one member's budget (`OutboxMemberBudget`), merged so that the member gets one
/// message instead of many once the window has room again.
///
/// When a single-recipient lane's head is held, each run of consecutive pending plain texts in the
/// lane becomes a digest: the texts in order, separated by a blank line, in as few messages of at most
/// 2048 bytes as they fit. The digest takes the places of the run's first rows (so the lane keeps its
/// order: nothing moves past a card), whose payloads it replaces (`originalPayload` keeps theirs); the
/// rest of the run is marked `merged`. Every row of the run gets the digest's id (`digestID`), all in
/// the claiming transaction, so each text is sent exactly once, alone or in its digest.
///
/// Never merged: cards (they carry buttons) and markdown, rows to several members (a member who waits
/// gets a share of such a row in their own lane, which is merged: `OutboxSplit`), and rows that may
/// already have arrived (`duplicateCheck`): only the very same request lets WeCom drop their resend.
enum OutboxDigest {
    /// Between two texts in a digest.
    static let separator = "\n\n"
    /// Rows of one lane looked at per hold; a longer backlog is merged further at the next hold.
    static let maxRowsPerMerge = 500

    /// What merging one lane did.
    struct Outcome: Sendable, Equatable {
        /// Rows whose text went into a digest and that will not be sent themselves.
        var mergedRows = 0
        /// Digests made (each one or more messages).
        var digests = 0
    }

    /// `texts` in order, whole and separated by a blank line, in as few parts of at most `maxBytes`
    /// UTF-8 bytes as they fit; a text too long by itself is cut by `TextSplitter`.
    static func pack(_ texts: [String], maxBytes: Int = OutgoingMessage.maxTextBytes) -> [String] {
        var parts: [String] = []
        var current: String?
        for text in texts {
            for piece in TextSplitter.split(text, maxBytes: maxBytes) {
                if let part = current, part.utf8.count + separator.utf8.count + piece.utf8.count <= maxBytes {
                    current = part + separator + piece
                } else {
                    if let part = current { parts.append(part) }
                    current = piece
                }
            }
        }
        if let part = current { parts.append(part) }
        return parts
    }

    /// Merges each run of consecutive pending plain texts in `lane`, a single member's lane, into a
    /// digest, inside the caller's transaction.
    static func mergeWaitingTexts(inLane lane: String, in db: Database) throws -> Outcome {
        let rows = try OutboxRecord.fetchAll(
            db, sql: "SELECT * FROM outbox WHERE status = ? AND user_id = ? ORDER BY id LIMIT ?",
            arguments: [OutboxRecord.Status.pending, lane, maxRowsPerMerge])
        var outcome = Outcome()
        var run: [(record: OutboxRecord, message: OutgoingMessage, text: String)] = []
        for record in rows {
            if !record.duplicateCheck, case .message(let message)? = try? record.item(), message.toUsers.count == 1,
                case .text(let text) = message.body
            {
                run.append((record, message, text))
            } else {
                try merge(run, into: &outcome, in: db)
                run = []
            }
        }
        try merge(run, into: &outcome, in: db)
        return outcome
    }

    private static func merge(
        _ run: [(record: OutboxRecord, message: OutgoingMessage, text: String)], into outcome: inout Outcome,
        in db: Database
    ) throws {
        guard run.count > 1, let digestID = run[0].record.id else { return }
        let parts = pack(run.map(\.text))
        // Texts that already fill a message each gain nothing from being merged.
        guard parts.count < run.count else { return }
        let payload = Column(OutboxRecord.CodingKeys.payload)
        let digest = Column(OutboxRecord.CodingKeys.digestID)
        let original = Column(OutboxRecord.CodingKeys.originalPayload)
        for (index, entry) in run.enumerated() {
            guard let id = entry.record.id else { continue }
            if index < parts.count {
                let part = OutgoingMessage(toUsers: entry.message.toUsers, body: .text(parts[index]))
                _ = try OutboxRecord.filter(key: id).updateAll(
                    db,
                    // A row merged before keeps what it was first queued with.
                    original.set(to: original ?? payload),
                    payload.set(to: try OutboxRecord.payload(of: .message(part))), digest.set(to: digestID))
            } else {
                _ = try OutboxRecord.filter(key: id).updateAll(
                    db, Column(OutboxRecord.CodingKeys.status).set(to: OutboxRecord.Status.merged),
                    digest.set(to: digestID))
            }
        }
        outcome.mergedRows += run.count - parts.count
        outcome.digests += 1
    }
}
