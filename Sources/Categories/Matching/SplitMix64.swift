/// A small, fast, seedable random number generator (SplitMix64): for what must come out the same on every
/// run (a training order, generated knowledge bases and test cases).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Shuffles `elements` (Fisher–Yates): an order of our own, which the standard library's
    /// `shuffle(using:)` does not promise to keep between Swift versions.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }
}
