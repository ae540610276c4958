import Foundation

/// How long StoreDesk lets a ticket sit before it acts on its own: an agent who does not reply, a store
/// that does not answer, a resolution nobody contests.
public struct TicketTimers: Sendable, Equatable {
    /// A ticket offered to one member who has not claimed it, or assigned to one who has not written
    /// to the store, goes back to the whole team after this (in the team's working time by default).
    public var unresponsiveAfter: ResponseTarget
    /// When stores are open, for counting a wait on the store: every day (stores open on weekends and
    /// holidays), so no holiday calendar applies.
    public var storeHours: WorkingHours
    /// The store is reminded of an unanswered `#1001 等待` question after this much of its open time.
    public var waitReminderAfter: TimeInterval
    /// An unanswered wait closes the ticket after this much of the store's open time.
    public var waitCloseAfter: TimeInterval
    /// 没解决 reopens a resolved ticket within this (clock time); after it the ticket is closed and a
    /// follow-up ticket is opened instead.
    public var reopenWindow: TimeInterval
    /// A breach still unmet after this share of its target reaches the region's manager.
    public var managerFraction: Double

    public init(
        unresponsiveAfter: ResponseTarget = .minutes(30, working: true),
        storeHours: WorkingHours = TicketTimers.standardStoreHours,
        waitReminderAfter: TimeInterval = 4 * 3600, waitCloseAfter: TimeInterval = 26 * 3600,
        reopenWindow: TimeInterval = 72 * 3600, managerFraction: Double = 1.5
    ) {
        self.unresponsiveAfter = unresponsiveAfter
        self.storeHours = storeHours
        self.waitReminderAfter = waitReminderAfter
        self.waitCloseAfter = waitCloseAfter
        self.reopenWindow = reopenWindow
        self.managerFraction = managerFraction
    }

    /// Every day 10:00–22:00 China time: a mall store's hours.
    public static let standardStoreHours = WorkingHours(
        timeZone: WorkingHours.chinaStandardTime, days: Weekday.allCases, periods: [DailyPeriod(start: 600, end: 1320)!])

    /// The stores' calendar: their hours whatever the date.
    public var storeCalendar: WorkingCalendar { WorkingCalendar(hours: storeHours) }
}
