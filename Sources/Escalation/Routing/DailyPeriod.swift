import Foundation

/// One stretch of working time within a day, in minutes since midnight: 09:00–18:00 is 540..<1080.
///
/// A period never crosses midnight (a night shift is two periods, one ending at 24:00 and one starting
/// at 00:00 the next day), so that each calendar day's hours stand alone, which is what lets a holiday or
/// a 调休 make-up day replace one day's hours later.
public struct DailyPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first minute of the period (0 is 00:00).
    public let start: Int
    /// The minute the period ends, exclusive (1440 is 24:00, the end of the day).
    public let end: Int

    /// A period, or nil unless 0 ≤ start < end ≤ 1440.
    public init?(start: Int, end: Int) {
        guard 0 <= start, start < end, end <= Self.minutesPerDay else { return nil }
        self.start = start
        self.end = end
    }

    /// A period written as people write it: "09:00-18:00" (also "9:00–18:00", "09:00~18:00"); nil for
    /// anything else, a time past 24:00 or an end that is not after the start.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(whereSeparator: { "-–~～—".contains($0) }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2, let start = Self.minute(parts[0]), let end = Self.minute(parts[1]) else { return nil }
        self.init(start: start, end: end)
    }

    /// The whole day, 00:00–24:00.
    public static let wholeDay = DailyPeriod(start: 0, end: minutesPerDay)!
    /// 09:00–18:00, the office hours of HQ.
    public static let officeHours = DailyPeriod(start: 9 * 60, end: 18 * 60)!

    static let minutesPerDay = 24 * 60

    /// How long the period lasts, in seconds.
    public var duration: Double { Double(end - start) * 60 }

    /// "09:00-18:00".
    public var description: String { "\(Self.clock(start))-\(Self.clock(end))" }

    public static func < (lhs: DailyPeriod, rhs: DailyPeriod) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }

    /// "9:00" or "09:00" → minutes; "24:00" is the end of the day.
    private static func minute(_ text: String) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2,
            pieces.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let hour = Int(pieces[0]), let minute = Int(pieces[1]), hour >= 0, (0..<60).contains(minute)
        else { return nil }
        let total = hour * 60 + minute
        return total <= minutesPerDay ? total : nil
    }

    private static func clock(_ minutes: Int) -> String {
        let hour = minutes / 60
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
