import Foundation

/// A strict reader of the XML WeCom sends: one root element, child elements, text with the predefined
/// and numeric character references, CDATA sections, comments and an XML declaration; attributes are
/// read and ignored. Anything else (a DTD, a processing instruction, an undefined entity, a tag that
/// does not close, content after the root, a character XML does not allow) is an error.
///
/// Written for untrusted bytes instead of Foundation's `XMLParser`, which on Linux crashed the process
/// on element names that were not UTF-8 and on `<?pi?>`, leaked memory on every parse error, and read
/// documents with errors in part (all found by scripts/fuzz-callback.sh). It does no I/O, resolves no
/// entity, and takes time and memory linear in the input.
struct XMLReader {
    private let bytes: [UInt8]
    private var index = 0

    /// What the reader hands on: each element's text when it closes, by its path below the root.
    private var entries: [(path: String, value: String)] = []
    private var open: [String] = []
    /// The text since the last tag, as Foundation's parser delegate saw it (a tag starts it afresh).
    private var text: [UInt8] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The (path, text) pairs of the elements below the root, in the order they close.
    static func read(_ bytes: [UInt8]) throws(WeComDecodingError) -> [(path: String, value: String)] {
        var reader = XMLReader(bytes)
        try reader.document()
        return reader.entries
    }

    // MARK: - Document

    private mutating func document() throws(WeComDecodingError) {
        if starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        if starts(with: "<?xml"), index + 5 < bytes.count, isSpace(bytes[index + 5]) {
            try declaration()
        }
        try miscellany()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else {
            throw fail(index < bytes.count ? "content before the root element" : "no root element")
        }
        try element()
        while !open.isEmpty {
            try content()
        }
        try miscellany()
        guard index == bytes.count else { throw fail("content after the root element") }
    }

    /// `<?xml version="1.0" encoding="…"?>`: only UTF-8 may be declared.
    private mutating func declaration() throws(WeComDecodingError) {
        let end = try position(of: "?>", from: index, what: "XML declaration")
        let declaration = String(decoding: bytes[index..<end], as: UTF8.self)
        if let name = declaration.range(of: "encoding") {
            let rest = declaration[name.upperBound...].drop { $0.isWhitespace || $0 == "=" }
            let quote = rest.first
            let value = rest.dropFirst().prefix { $0 != quote }
            guard ["utf-8", "utf8"].contains(value.lowercased()) else {
                throw fail("the declared encoding \(value.prefix(20)) is not UTF-8")
            }
        }
        index = end + 2
    }

    /// White space and comments (before or after the root element).
    private mutating func miscellany() throws(WeComDecodingError) {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                throw fail("a processing instruction")
            } else if starts(with: "<!") {
                throw .documentTypeNotAllowed
            } else {
                return
            }
        }
    }

    // MARK: - Elements

    /// A start tag (`<name attr="v">` or `<name/>`), at `<`.
    private mutating func element() throws(WeComDecodingError) {
        index += 1
        let name = try self.name()
        while true {
            let hadSpace = skipSpaces()
            guard index < bytes.count else { throw fail("a start tag that does not end") }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                open.append(name)
                text = []
                return
            }
            if starts(with: "/>") {
                index += 2
                open.append(name)
                text = []
                close()
                return
            }
            guard hadSpace else { throw fail("an unexpected character in the tag <\(name.prefix(40))>") }
            try attribute()
        }
    }

    /// `name="value"` (or with single quotes); read for well-formedness, not kept.
    private mutating func attribute() throws(WeComDecodingError) {
        _ = try name()
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("an attribute without a value") }
        index += 1
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw fail("an attribute value without quotes")
        }
        let quote = bytes[index]
        index += 1
        guard let end = bytes[index...].firstIndex(of: quote) else { throw fail("an attribute value that does not end") }
        var ignored: [UInt8] = []
        try appendText(bytes[index..<end], to: &ignored)
        guard !bytes[index..<end].contains(UInt8(ascii: "<")) else { throw fail("< in an attribute value") }
        index = end + 1
    }

    /// What follows inside an open element: text, a child, a CDATA section, a comment or the end tag.
    private mutating func content() throws(WeComDecodingError) {
        guard index < bytes.count else { throw fail("the document ends inside <\(open.last!.prefix(40))>") }
        guard bytes[index] == UInt8(ascii: "<") else {
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
            let run = bytes[index..<end]
            if run.count >= 3, containsCDATAEnd(run) { throw fail("]]> in text") }
            try appendText(run, to: &text)
            index = end
            return
        }
        if starts(with: "</") {
            index += 2
            let name = try self.name()
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("an end tag that does not end") }
            index += 1
            guard name == open.last else {
                throw fail("</\(name.prefix(40))> closes <\(open.last!.prefix(40))>")
            }
            close()
        } else if starts(with: "<![CDATA[") {
            let start = index + 9
            let end = try position(of: "]]>", from: start, what: "CDATA section")
            try appendCharacters(bytes[start..<end], to: &text)
            index = end + 3
        } else if starts(with: "<!--") {
            try comment()
        } else if starts(with: "<?") {
            throw fail("a processing instruction")
        } else if starts(with: "<!") {
            throw fail("a declaration inside the document")
        } else {
            try element()
        }
    }

    /// The element on top closes: its text is recorded under its path (the root's is not).
    private mutating func close() {
        if open.count >= 2 {
            entries.append((open.dropFirst().joined(separator: "/"), String(decoding: text, as: UTF8.self)))
        }
        open.removeLast()
        text = []
    }

    private mutating func comment() throws(WeComDecodingError) {
        index = try position(of: "-->", from: index + 4, what: "comment") + 3
    }

    // MARK: - Names and text

    /// An element or attribute name: a letter, `_`, `:` or any non-ASCII character first, then also
    /// digits, `.` and `-`.
    private mutating func name() throws(WeComDecodingError) -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isNameByte =
                byte >= 0x80 || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ":")
                || (index > start
                    && ((byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                        || byte == UInt8(ascii: "-")))
            guard isNameByte else { break }
            index += 1
        }
        guard index > start else { throw fail("a tag without a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Text with its character references read and its line ends made `\n`, as XML requires.
    private func appendText(_ run: ArraySlice<UInt8>, to output: inout [UInt8]) throws(WeComDecodingError) {
        var position = run.startIndex
        while position < run.endIndex {
            guard let ampersand = run[position...].firstIndex(of: UInt8(ascii: "&")) else {
                try appendCharacters(run[position...], to: &output)
                return
            }
            try appendCharacters(run[position..<ampersand], to: &output)
            guard let semicolon = run[ampersand...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw fail("an & that starts no reference")
            }
            let reference = String(decoding: run[(ampersand + 1)..<semicolon], as: UTF8.self)
            output += Array(try Self.resolve(reference).utf8)
            position = semicolon + 1
        }
    }

    /// `lt`, `gt`, `amp`, `apos`, `quot`, `#123` and `#x7B`; nothing else is defined.
    private static func resolve(_ reference: String) throws(WeComDecodingError) -> String {
        switch reference {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "apos": return "'"
        case "quot": return "\""
        default:
            let value: UInt32?
            if reference.hasPrefix("#x") {
                value = UInt32(reference.dropFirst(2), radix: 16)
            } else if reference.hasPrefix("#") {
                value = UInt32(reference.dropFirst(), radix: 10)
            } else {
                throw .malformedXML("the entity &\(reference.prefix(12)); is not defined")
            }
            guard let value, isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw .malformedXML("&\(reference.prefix(12)); is not a character XML allows")
            }
            return String(Character(scalar))
        }
    }

    /// Copies characters, `\r\n` and a lone `\r` as `\n`, refusing the controls XML does not allow
    /// and U+FFFE/U+FFFF (the bytes are known to be UTF-8).
    private func appendCharacters(_ run: ArraySlice<UInt8>, to output: inout [UInt8]) throws(WeComDecodingError) {
        output.reserveCapacity(output.count + run.count)
        var position = run.startIndex
        while position < run.endIndex {
            let byte = run[position]
            if byte == 0x0D {
                output.append(0x0A)
                if position + 1 < run.endIndex, run[position + 1] == 0x0A { position += 1 }
            } else if byte < 0x20, byte != 0x09, byte != 0x0A {
                throw fail("the control character \(byte) is not allowed in XML")
            } else if byte == 0xEF, position + 2 < run.endIndex, run[position + 1] == 0xBF,
                run[position + 2] == 0xBE || run[position + 2] == 0xBF
            {
                throw fail("U+FFFE and U+FFFF are not allowed in XML")
            } else {
                output.append(byte)
            }
            position += 1
        }
    }

    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
            || (0x10000...0x10FFFF).contains(value)
    }

    // MARK: - Bytes

    private func starts(with prefix: String) -> Bool {
        starts(with: Array(prefix.utf8))
    }

    private func starts(with prefix: [UInt8]) -> Bool {
        bytes.count - index >= prefix.count && bytes[index...].starts(with: prefix)
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private func containsCDATAEnd(_ run: ArraySlice<UInt8>) -> Bool {
        var position = run.startIndex
        while let found = run[position...].firstIndex(of: UInt8(ascii: "]")) {
            if run[found...].starts(with: "]]>".utf8) { return true }
            position = found + 1
        }
        return false
    }

    /// Where the next `terminator` starts, from `start`; an error naming `what` when there is none.
    private func position(of terminator: String, from start: Int, what: String) throws(WeComDecodingError) -> Int {
        let terminatorBytes = Array(terminator.utf8)
        var position = start
        while position < bytes.count, let found = bytes[position...].firstIndex(of: terminatorBytes[0]) {
            if bytes[found...].starts(with: terminatorBytes) { return found }
            position = found + 1
        }
        throw fail("a \(what) that does not end")
    }

    private func fail(_ reason: String) -> WeComDecodingError {
        .malformedXML("\(reason) (at byte \(index))")
    }
}
