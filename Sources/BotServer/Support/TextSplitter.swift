/// Splits a text into parts that each fit a byte limit (WeCom's 2048 UTF-8 bytes per text message),
/// preferring to break after a line, never inside a character.
enum TextSplitter {
    static func split(_ text: String, maxBytes: Int) -> [String] {
        precondition(maxBytes >= 4, "a part must hold at least one character")
        var parts: [String] = []
        var remaining = Substring(text)
        while remaining.utf8.count > maxBytes {
            // The longest prefix of whole characters within the limit.
            var end = remaining.startIndex
            var bytes = 0
            for index in remaining.indices {
                let size = remaining[index].utf8.count
                if bytes + size > maxBytes { break }
                bytes += size
                end = remaining.index(after: index)
            }
            if end == remaining.startIndex {
                // A single character larger than the limit (a long emoji sequence): cut by scalars.
                var scalars = String.UnicodeScalarView()
                var scalarBytes = 0
                for scalar in remaining.unicodeScalars {
                    if scalarBytes + scalar.utf8.count > maxBytes { break }
                    scalars.append(scalar)
                    scalarBytes += scalar.utf8.count
                }
                parts.append(String(scalars))
                remaining = Substring(String(remaining.unicodeScalars.dropFirst(scalars.count)))
                continue
            }
            // Prefer the last line break in the second half of the part, so parts stay readable.
            let candidate = remaining[remaining.startIndex..<end]
            if let newline = candidate.lastIndex(of: "\n"), candidate[..<newline].utf8.count >= maxBytes / 2 {
                end = candidate.index(after: newline)
            }
            parts.append(String(remaining[..<end]))
            remaining = remaining[end...]
        }
        if !remaining.isEmpty || parts.isEmpty {
            parts.append(String(remaining))
        }
        return parts
    }
}
