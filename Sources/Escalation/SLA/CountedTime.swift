import Foundation

/// Time that counts towards a promise: stretches of working time (or of the clock) with the pauses
/// taken out, and the two sums promises need on them. Shared by working time and clock time, so that a
/// pause is handled once.
enum CountedTime {
    /// The clock from `start` on, as one stretch without end.
    static func clock(from start: Date) -> [DateInterval] {
        [DateInterval(start: start, end: .distantFuture)]
    }

    /// `stretches` (in order, not overlapping) without `pauses` (in any order, overlapping or not). A
    /// pause that has not ended is one that ends at `Date.distantFuture`: the sequence ends where it
    /// starts, since nothing after it counts yet.
    static func excluding(_ pauses: [DateInterval], from stretches: some Sequence<DateInterval>) -> AnyIterator<
        DateInterval
    > {
        let pauses = merged(pauses)
        var source = stretches.makeIterator()
        var pending: [DateInterval] = []
        var first = 0
        var ended = false
        return AnyIterator {
            while pending.isEmpty {
                guard !ended, let stretch = source.next() else { return nil }
                var cursor = stretch.start
                // Pauses are merged, so their ends are in order too: those over before this stretch are
                // over for every later one.
                while first < pauses.count, pauses[first].end <= cursor { first += 1 }
                var index = first
                while cursor < stretch.end, index < pauses.count, pauses[index].start < stretch.end {
                    let pause = pauses[index]
                    if pause.start > cursor { pending.append(DateInterval(start: cursor, end: pause.start)) }
                    cursor = max(cursor, pause.end)
                    if pause.end >= .distantFuture { ended = true }
                    index += 1
                }
                if cursor < stretch.end { pending.append(DateInterval(start: cursor, end: stretch.end)) }
            }
            return pending.removeFirst()
        }
    }

    /// The moment when `duration` seconds of `stretches` have passed; nil when they end first.
    static func moment(after duration: TimeInterval, in stretches: some Sequence<DateInterval>) -> Date? {
        var remaining = max(0, duration)
        for stretch in stretches {
            if remaining <= stretch.duration { return stretch.start.addingTimeInterval(remaining) }
            remaining -= stretch.duration
        }
        return nil
    }

    /// How many seconds of `stretches` lie before `end`.
    static func total(in stretches: some Sequence<DateInterval>, until end: Date) -> TimeInterval {
        var total: TimeInterval = 0
        for stretch in stretches {
            guard stretch.start < end else { break }
            total += min(stretch.end, end).timeIntervalSince(stretch.start)
        }
        return total
    }

    /// `pauses` in order, those that overlap or touch joined, empty ones dropped.
    private static func merged(_ pauses: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        for pause in pauses.filter({ $0.duration > 0 }).sorted(by: { $0.start < $1.start }) {
            if let last = result.last, pause.start <= last.end {
                result[result.count - 1] = DateInterval(start: last.start, end: max(last.end, pause.end))
            } else {
                result.append(pause)
            }
        }
        return result
    }
}
