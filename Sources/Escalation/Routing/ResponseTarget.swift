import Foundation

/// A promise on a ticket (an SLA target): how soon someone answers it, or resolves it, in clock time or
/// in the team's working time. `SLAPolicy` holds one per priority for each; counting it on a team's
/// calendar with pauses is in `ResponseTarget+counting.swift`.
public struct ResponseTarget: Sendable, Equatable {
    /// How long, in seconds.
    public var duration: TimeInterval
    /// Whether `duration` is counted in the team's working hours (an evening does not count) rather
    /// than on the clock.
    public var working: Bool

    public init(duration: TimeInterval, working: Bool) {
        self.duration = duration
        self.working = working
    }

    /// A working day is 8 working hours here, not the length of a team's actual day: HQ's day is
    /// 09:00–18:00 with an hour for lunch, and a promise of "one working day" must not grow when a team's
    /// hours are long.
    public static let workingDay: TimeInterval = 8 * 3600

    /// `minutes` of clock time.
    public static func minutes(_ minutes: Double, working: Bool = false) -> ResponseTarget {
        ResponseTarget(duration: minutes * 60, working: working)
    }

    /// `hours` hours, of working time by default.
    public static func hours(_ hours: Double, working: Bool = true) -> ResponseTarget {
        ResponseTarget(duration: hours * 3600, working: working)
    }

    /// When the promise falls due for a ticket opened at `start` with a team working `hours`, by the weekly
    /// hours alone (holidays: `due(from:calendar:pausedDuring:)`); nil when a working-time promise meets
    /// hours with no period.
    public func due(from start: Date, hours: WorkingHours) -> Date? {
        working ? hours.adding(duration, to: start) : start.addingTimeInterval(duration)
    }

    /// The promise in words for "预计 … 内回复": "10 分钟", "2 个工作小时", "1 个工作日", "2 小时", "1 天".
    ///
    /// Under an hour it is "30 分钟" in working time too: "30 个工作分钟" is not something people say, and
    /// a ticket opened out of hours is told when the team opens rather than relying on this phrase.
    public var phrase: String {
        let minutes = Int((duration / 60).rounded())
        if working, minutes >= 8 * 60, minutes % (8 * 60) == 0 { return "\(minutes / (8 * 60)) 个工作日" }
        if !working, minutes >= 24 * 60, minutes % (24 * 60) == 0 { return "\(minutes / (24 * 60)) 天" }
        if minutes >= 60, minutes % 60 == 0 { return "\(minutes / 60) \(working ? "个工作小时" : "小时")" }
        return "\(minutes) 分钟"
    }
}
