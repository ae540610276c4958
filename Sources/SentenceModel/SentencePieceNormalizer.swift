/// SentencePiece's text normalizer, driven by a model's precompiled character map.
///
/// For USE multilingual v3 the map is `nmt_nfkc`: NFKC folding (full-width
/// ASCII to ASCII, circled digits to digits, compatibility ideographs, …) plus
/// the NMT clean-ups (control characters dropped, odd spaces to U+0020). The
/// map is a darts-clone double-array trie over UTF-8 bytes followed by a block
/// of NUL-terminated replacement strings; at every position the longest key
/// that matches wins, and a position no key matches copies one UTF-8
/// character unchanged.
///
/// After mapping, whitespace is handled the way SentencePiece does it: leading
/// spaces are dropped, runs of spaces collapse to one, a space is put in front
/// ("dummy prefix"), every space becomes U+2581, and trailing U+2581 are removed.
public struct SentencePieceNormalizer: Sendable {
    /// Whether a U+2581 is put in front of non-empty text.
    public let addDummyPrefix: Bool
    /// Whether leading, trailing and repeated spaces are dropped.
    public let removeExtraWhitespaces: Bool
    /// Whether spaces are written as U+2581.
    public let escapeWhitespaces: Bool

    // Double-array units, empty when the model has no character map.
    private let units: [UInt32]
    // NUL-terminated replacement strings; a trie value is an offset into this.
    private let replacements: [UInt8]
    private let spaceSymbol: [UInt8]

    /// Builds the normalizer described by a model's normalizer spec.
    public init(model: SentencePieceModel) throws {
        try self.init(
            charsmap: model.precompiledCharsmap,
            addDummyPrefix: model.addDummyPrefix,
            removeExtraWhitespaces: model.removeExtraWhitespaces,
            escapeWhitespaces: model.escapeWhitespaces)
    }

    /// Builds a normalizer from a precompiled character map.
    ///
    /// - Parameter charsmap: a little-endian `UInt32` trie size, the trie's
    ///   units, then the replacement strings. Empty means "no mapping".
    /// - Throws: ``SentenceModelError/malformedSentencePieceModel(path:reason:)``
    ///   when the sizes do not add up.
    public init(
        charsmap: [UInt8], addDummyPrefix: Bool = true,
        removeExtraWhitespaces: Bool = true, escapeWhitespaces: Bool = true
    ) throws {
        self.addDummyPrefix = addDummyPrefix
        self.removeExtraWhitespaces = removeExtraWhitespaces
        self.escapeWhitespaces = escapeWhitespaces
        self.spaceSymbol = escapeWhitespaces ? [0xE2, 0x96, 0x81] : [0x20]
        guard !charsmap.isEmpty else {
            self.units = []
            self.replacements = []
            return
        }
        guard charsmap.count >= 4 else {
            throw SentenceModelError.malformedSentencePieceModel(
                path: "precompiled_charsmap", reason: "shorter than its size field")
        }
        let trieSize = Int(charsmap[0]) | Int(charsmap[1]) << 8 | Int(charsmap[2]) << 16 | Int(charsmap[3]) << 24
        guard trieSize % 4 == 0, trieSize >= 4, 4 + trieSize <= charsmap.count else {
            throw SentenceModelError.malformedSentencePieceModel(
                path: "precompiled_charsmap", reason: "trie size \(trieSize) does not fit the \(charsmap.count)-byte map")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for index in units.indices {
            let base = 4 + index * 4
            units[index] =
                UInt32(charsmap[base]) | UInt32(charsmap[base + 1]) << 8
                | UInt32(charsmap[base + 2]) << 16 | UInt32(charsmap[base + 3]) << 24
        }
        self.units = units
        self.replacements = Array(charsmap[(4 + trieSize)...])
    }

    /// Normalises `text` exactly as the model's tokenizer sees it (spaces as U+2581).
    ///
    /// Empty and all-whitespace input give the empty string.
    public func normalize(_ text: String) -> String {
        String(decoding: normalizedUTF8(Array(text.utf8)), as: UTF8.self)
    }

    /// The normalised text as UTF-8 bytes.
    func normalizedUTF8(_ input: [UInt8]) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        return input.withUnsafeBufferPointer { source in
            replacements.withUnsafeBufferPointer { table in
                units.withUnsafeBufferPointer { trie in
                    normalize(source, table: table, trie: trie)
                }
            }
        }
    }

    /// Where the text for one step comes from: a replacement in the table or bytes of the input.
    private struct Step {
        var fromTable: Bool
        var start: Int
        var end: Int
        var consumed: Int
    }

    private func normalize(
        _ source: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>,
        trie: UnsafeBufferPointer<UInt32>
    ) -> [UInt8] {
        let length = source.count
        var position = 0
        if removeExtraWhitespaces {
            // Skip everything at the start that maps to exactly one space.
            while position < length {
                let step = longestMatch(source, at: position, table: table, trie: trie)
                let bytes = step.fromTable ? table : source
                guard step.end - step.start == 1, bytes[step.start] == 0x20 else { break }
                position += step.consumed
            }
        }
        guard position < length else { return [] }

        var output: [UInt8] = []
        output.reserveCapacity(length + length / 2 + 3)
        if addDummyPrefix { output.append(contentsOf: spaceSymbol) }
        // Starting "after a space" drops spaces at the front of the first replacement too.
        var previousWasSpace = removeExtraWhitespaces
        while position < length {
            let step = longestMatch(source, at: position, table: table, trie: trie)
            position += step.consumed
            let bytes = step.fromTable ? table : source
            var start = step.start
            if removeExtraWhitespaces && previousWasSpace {
                while start < step.end, bytes[start] == 0x20 { start += 1 }
            }
            guard start < step.end else { continue }
            for index in start..<step.end {
                let byte = bytes[index]
                if byte == 0x20 {
                    output.append(contentsOf: spaceSymbol)
                } else {
                    output.append(byte)
                }
            }
            previousWasSpace = bytes[step.end - 1] == 0x20
        }
        if removeExtraWhitespaces {
            let width = spaceSymbol.count
            while output.count >= width, Array(output[(output.count - width)...]) == spaceSymbol {
                output.removeLast(width)
            }
        }
        return output
    }

    // darts-clone unit layout: bits 0-7 label, bit 8 has-leaf, bit 9 offset
    // scale, bits 10-31 offset; a leaf unit holds the value in bits 0-30 and
    // has bit 31 set, so it never matches a label.
    @inline(__always)
    private static func offset(_ unit: UInt32) -> Int {
        Int((unit >> 10) << ((unit & 0x200) >> 6))
    }

    /// The longest character-map key at `source[position...]`, or one UTF-8
    /// character of the input when no key matches.
    private func longestMatch(
        _ source: UnsafeBufferPointer<UInt8>, at position: Int,
        table: UnsafeBufferPointer<UInt8>, trie: UnsafeBufferPointer<UInt32>
    ) -> Step {
        var matchedLength = 0
        var matchedValue = 0
        if !trie.isEmpty {
            var node = Self.offset(trie[0])
            var index = position
            while index < source.count {
                let byte = source[index]
                node ^= Int(byte)
                guard node < trie.count else { break }
                let unit = trie[node]
                guard unit & 0x8000_00FF == UInt32(byte) else { break }
                node ^= Self.offset(unit)
                index += 1
                if unit & 0x100 != 0 {
                    guard node < trie.count else { break }
                    matchedLength = index - position
                    matchedValue = Int(trie[node] & 0x7FFF_FFFF)
                }
            }
        }
        if matchedLength > 0, matchedValue < table.count {
            var end = matchedValue
            while end < table.count, table[end] != 0 { end += 1 }
            return Step(fromTable: true, start: matchedValue, end: end, consumed: matchedLength)
        }
        // No mapping: copy one well-formed UTF-8 character (Swift strings are
        // always well-formed, but the length check keeps this total).
        let lead = source[position]
        var width: Int
        switch lead {
        case 0x00..<0x80: width = 1
        case 0xC0..<0xE0: width = 2
        case 0xE0..<0xF0: width = 3
        case 0xF0..<0xF8: width = 4
        default: width = 1
        }
        if width > 1 {
            for index in 1..<width where position + index >= source.count || source[position + index] & 0xC0 != 0x80 {
                width = 1
                break
            }
        }
        return Step(fromTable: false, start: position, end: position + width, consumed: width)
    }
}
