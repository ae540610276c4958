import Escalation
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import WeComAdapter

/// Tells each team's lead when the team's holiday calendar lacks dates it should have: this year's, and
/// from 1 December next year's (the State Council publishes them in November). Until someone adds them,
/// working-time promises in that year follow the weekly hours alone, which is wrong around every holiday.
///
/// Each lead hears of a calendar's missing year once (`holiday_reminder` remembers it across restarts),
/// through the outbox like every other message; it looks at start and then every `interval`.
struct HolidayReminder: Service {
    let database: any DatabaseWriter
    let outbox: any OutboxStore
    let settings: EscalationSettings
    let signal: WorkSignal
    let clock: any WallClock
    let logger: Logger
    var interval: Duration = .seconds(6 * 3600)

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await remind(at: clock.now())
            } catch {
                logger.error("Cannot check the holiday calendars; will check again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Queues a message to each lead for each calendar year they have not been told of; returns how many.
    @discardableResult
    func remind(at now: Date) async throws -> Int {
        let gaps = settings.holidayGaps(at: now)
        guard !gaps.isEmpty else { return 0 }
        let told = try await database.write { [outbox] db -> Int in
            var told = 0
            for gap in gaps {
                guard let lead = gap.lead else { continue }
                for year in gap.years {
                    let key = "\(gap.calendar)/\(year)/\(lead)"
                    guard try Self.remember(key, at: now, in: db) else { continue }
                    let team = settings.routing.team(gap.team)?.name ?? gap.team.rawValue
                    try outbox.enqueue(
                        [.text(Self.text(team: team, calendar: gap.calendar, year: year), to: lead)], inReplyTo: nil, at: now,
                        in: db)
                    told += 1
                }
            }
            return told
        }
        for gap in gaps {
            logger.warning(
                "Holiday calendar lacks dates",
                metadata: [
                    "team": "\(gap.team)", "calendar": "\(gap.calendar)", "years": "\(gap.years)", "lead": "\(gap.lead ?? "-")",
                ])
        }
        if told > 0 { await signal.notify() }
        return told
    }

    /// What the lead reads.
    static func text(team: String, calendar: String, year: Int) -> String {
        "【StoreDesk】\(team)使用的节假日日历（Config/\(calendar)）还没有 \(year) 年的放假和调休安排。"
            + "国务院办公厅的通知发布后，请把日期填进该文件并重启服务；在此之前，\(year) 年的 SLA 和“预计回复时间”只按每周工作时间计算，节假日前后会不准。"
    }

    /// Records `key`; false when it was recorded before (the lead was told already).
    private static func remember(_ key: String, at now: Date, in db: Database) throws -> Bool {
        try db.execute(sql: "INSERT OR IGNORE INTO holiday_reminder (key, sent_at) VALUES (?, ?)", arguments: [key, now])
        return db.changesCount > 0
    }
}
