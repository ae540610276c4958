/// A set of Basic Multilingual Plane scalars as a bitmap (8 KB): one load and a mask per lookup, which
/// is what a scan over every message's characters can afford.
struct ChineseScriptScalarSet: Sendable {
    private var words: [UInt64]

    init(all: Bool = false) {
        words = Array(repeating: all ? .max : 0, count: 0x10000 / 64)
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = Int(scalar.value)
        guard value < 0x10000 else { return false }
        return words[value >> 6] & (1 << UInt64(value & 63)) != 0
    }

    mutating func insert(_ scalar: Unicode.Scalar) {
        let value = Int(scalar.value)
        guard value < 0x10000 else { return }
        words[value >> 6] |= 1 << UInt64(value & 63)
    }

    func subtracting(_ other: ChineseScriptScalarSet) -> ChineseScriptScalarSet {
        var result = self
        for index in result.words.indices { result.words[index] &= ~other.words[index] }
        return result
    }
}
