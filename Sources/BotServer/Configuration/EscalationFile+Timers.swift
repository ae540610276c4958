import Escalation
import Foundation
import Yams

extension EscalationFile {
    /// The timers of `duty`, `waiting` and `reopenWithin` (any of them nil: its defaults), with the
    /// stores' hours in `timeZone` unless `waiting.storeHours` says otherwise.
    static func timers(
        duty: Node?, waiting: Node?, reopenWithin: Node?, timeZone: TimeZone, _ reader: Reader
    ) throws(ConfigurationError) -> TicketTimers {
        var timers = TicketTimers()
        timers.storeHours.timeZone = timeZone
        if let duty {
            let fields = try reader.fields(duty, of: "duty", allowed: ["returnAfter"])
            if let node = fields["returnAfter"] {
                let text = try reader.text(node, "duty.returnAfter")
                guard let target = Self.responseTarget(text) else {
                    throw reader.error(
                        "duty.returnAfter: \"\(text)\" is not a duration such as 30m or 1h, optionally followed by "
                            + "\"working\"", at: node)
                }
                timers.unresponsiveAfter = target
            }
        }
        if let waiting {
            try Self.waiting(waiting, into: &timers, timeZone: timeZone, reader)
        }
        if let reopenWithin {
            timers.reopenWindow = try Self.plainDuration(
                reopenWithin, "reopenWithin", counted: "clock time (72h, 3d): a resolution is contested on any day",
                days: true, reader)
        }
        return timers
    }

    /// `waiting`: `storeHours`, and `remindAfter` and `closeAfter` counted in them. The reminder must come
    /// before the close, or the store would never be reminded.
    private static func waiting(_ node: Node, into timers: inout TicketTimers, timeZone: TimeZone, _ reader: Reader)
        throws(ConfigurationError)
    {
        let fields = try reader.fields(node, of: "waiting", allowed: ["storeHours", "remindAfter", "closeAfter"])
        if let hours = fields["storeHours"] {
            timers.storeHours = try Self.hours(hours, what: "waiting.storeHours", timeZone: timeZone, reader)
        }
        // A day of store hours is not 24 hours of them, so days are refused rather than guessed.
        let counted = "the stores' open hours (storeHours), written in hours or minutes such as 4h or 26h"
        if let remind = fields["remindAfter"] {
            timers.waitReminderAfter = try Self.plainDuration(
                remind, "waiting.remindAfter", counted: counted, days: false, reader)
        }
        if let close = fields["closeAfter"] {
            timers.waitCloseAfter = try Self.plainDuration(close, "waiting.closeAfter", counted: counted, days: false, reader)
        }
        guard timers.waitReminderAfter < timers.waitCloseAfter else {
            throw reader.error(
                "waiting.remindAfter (\(Self.hoursText(timers.waitReminderAfter))) must be shorter than closeAfter "
                    + "(\(Self.hoursText(timers.waitCloseAfter))): the store is reminded before the ticket closes",
                at: fields["remindAfter"] ?? fields["closeAfter"] ?? node)
        }
    }

    /// A duration without `working` (`what` names it, `counted` says what it counts, for the message that
    /// refuses `working`); `days` whether `1d` (24 hours) is allowed.
    private static func plainDuration(_ node: Node, _ what: String, counted: String, days: Bool, _ reader: Reader)
        throws(ConfigurationError) -> TimeInterval
    {
        let text = try reader.text(node, what)
        guard let target = Self.responseTarget(text) else {
            throw reader.error(
                "\(what): \"\(text)\" is not a duration such as \(days ? "30m, 72h or 3d" : "30m or 4h")", at: node)
        }
        guard !target.working else {
            throw reader.error("\(what): \"\(text)\": \"working\" does not apply here; this counts \(counted)", at: node)
        }
        guard days || !text.lowercased().hasSuffix("d") else {
            throw reader.error("\(what): \"\(text)\": days are not allowed; this counts \(counted)", at: node)
        }
        return target.duration
    }

    /// "4h", "1.5h", "90m": a duration as the file writes it.
    private static func hoursText(_ duration: TimeInterval) -> String {
        let minutes = Int((duration / 60).rounded())
        return minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes)m"
    }
}
