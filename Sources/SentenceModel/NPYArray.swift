import Foundation

/// One array read from a NumPy `.npy` file (format versions 1, 2 and 3).
///
/// Only what the model files need is supported: little-endian (or single-byte)
/// `float32`, `float64`, `uint8` and `int8` elements in C order. The payload is
/// kept as the file's bytes rather than converted up front, so a large table
/// can stay memory-mapped and be read row by row.
public struct NPYArray: Sendable {
    /// Element types this reader understands.
    public enum ElementType: String, Sendable {
        case float32 = "<f4"
        case float64 = "<f8"
        case uint8 = "|u1"
        case int8 = "|i1"

        /// Size of one element in bytes.
        public var byteCount: Int {
            switch self {
            case .float32: return 4
            case .float64: return 8
            case .uint8, .int8: return 1
            }
        }

        /// Maps a NumPy `descr` string to an element type.
        ///
        /// `=` (native order) is accepted as little-endian because every
        /// platform Swift targets here is little-endian; one-byte types may be
        /// spelled with any byte-order mark.
        init?(descr: String) {
            guard let order = descr.first else { return nil }
            let code = descr.dropFirst()
            switch (order, code) {
            case ("<", "f4"), ("=", "f4"): self = .float32
            case ("<", "f8"), ("=", "f8"): self = .float64
            case ("|", "u1"), ("<", "u1"), ("=", "u1"), (">", "u1"): self = .uint8
            case ("|", "i1"), ("<", "i1"), ("=", "i1"), (">", "i1"): self = .int8
            default: return nil
            }
        }
    }

    /// The element type of the array.
    public let elementType: ElementType
    /// The array's shape; empty for a 0-d (scalar) array.
    public let shape: [Int]
    /// Where the array came from, for error messages.
    public let source: String

    // The whole file and where the payload starts in it: slicing would copy a
    // mapped file on some Foundation versions, an offset never does.
    private let storage: Data
    private let payloadOffset: Int

    /// Number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// Reads a `.npy` file.
    ///
    /// - Parameters:
    ///   - url: the file to read.
    ///   - memoryMapped: map the file instead of reading it, so only the pages
    ///     actually touched become resident (used for the embedding table).
    /// - Throws: ``SentenceModelError/missingFile(path:)``,
    ///   ``SentenceModelError/unreadableFile(path:reason:)`` or
    ///   ``SentenceModelError/malformedNPY(path:reason:)``.
    public init(contentsOf url: URL, memoryMapped: Bool = false) throws {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SentenceModelError.missingFile(path: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: memoryMapped ? [.alwaysMapped] : [])
        } catch {
            throw SentenceModelError.unreadableFile(path: path, reason: "\(error)")
        }
        try self.init(data: data, source: path)
    }

    /// Parses the bytes of a `.npy` file.
    ///
    /// - Parameters:
    ///   - data: the complete file contents.
    ///   - source: a name used in error messages.
    public init(data: Data, source: String = "<memory>") throws {
        func fail(_ reason: String) -> SentenceModelError {
            .malformedNPY(path: source, reason: reason)
        }
        let bytes = data.withUnsafeBytes { raw in Array(raw.prefix(12)) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported format version \(major)")
        }
        guard headerStart + headerLength <= data.count else {
            throw fail("header runs past the end of the file")
        }
        let headerBytes = data.withUnsafeBytes { raw in
            Array(raw[headerStart..<(headerStart + headerLength)])
        }
        // Version 3 headers are UTF-8, earlier ones Latin-1; the keys and
        // values that matter are ASCII either way.
        let header = String(decoding: headerBytes, as: UTF8.self)
        let dictionary = try NPYHeader(parsing: header, source: source)

        guard let elementType = ElementType(descr: dictionary.descr) else {
            throw fail("unsupported dtype \(dictionary.descr) (expected <f4, <f8, |u1 or |i1)")
        }
        if dictionary.fortranOrder && dictionary.shape.filter({ $0 > 1 }).count > 1 {
            throw fail("Fortran-ordered arrays are not supported")
        }
        let payloadOffset = headerStart + headerLength
        let needed = dictionary.shape.reduce(1, *) * elementType.byteCount
        guard data.count - payloadOffset >= needed else {
            throw fail("payload has \(data.count - payloadOffset) bytes, shape \(dictionary.shape) needs \(needed)")
        }
        self.elementType = elementType
        self.shape = dictionary.shape
        self.source = source
        self.storage = data
        self.payloadOffset = payloadOffset
    }

    /// Calls `body` with the raw payload bytes (exactly `count * byteCount` of them).
    public func withUnsafePayload<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let length = count * elementType.byteCount
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[payloadOffset..<(payloadOffset + length)]))
        }
    }

    /// The elements converted to `Float`, in C order.
    public func floats() -> [Float] {
        let count = self.count
        return withUnsafePayload { raw in
            switch elementType {
            case .float32:
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    // The payload may sit at any byte offset, so copy bytes rather than rebinding.
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                    initialized = count
                }
            case .float64:
                return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
            case .uint8:
                return raw.map { Float($0) }
            case .int8:
                return raw.map { Float(Int8(bitPattern: $0)) }
            }
        }
    }

    /// The first element as a `Double` (for scalar arrays such as `eps`).
    public func firstValue() -> Double? {
        guard count > 0 else { return nil }
        return withUnsafePayload { raw in
            switch elementType {
            case .float32: return Double(raw.loadUnaligned(as: Float.self))
            case .float64: return raw.loadUnaligned(as: Double.self)
            case .uint8: return Double(raw[0])
            case .int8: return Double(Int8(bitPattern: raw[0]))
            }
        }
    }

    /// Checks element type and shape, naming the array in the error.
    public func expect(_ type: ElementType, shape expected: [Int], name: String) throws {
        guard elementType == type else {
            throw SentenceModelError.unexpectedDataType(name: name, expected: type.rawValue, found: elementType.rawValue)
        }
        guard shape == expected else {
            throw SentenceModelError.unexpectedShape(name: name, expected: expected, found: shape)
        }
    }
}

/// The three keys of a `.npy` header dictionary, parsed from its Python-literal text.
private struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    init(parsing text: String, source: String) throws {
        func fail(_ reason: String) -> SentenceModelError {
            .malformedNPY(path: source, reason: reason)
        }
        let characters = Array(text.unicodeScalars)

        // Position just after `'key':` (either quote style), skipping blanks.
        func valueStart(of key: String) -> Int? {
            for quote in ["'", "\""] {
                let needle = Array((quote + key + quote).unicodeScalars)
                guard needle.count <= characters.count else { continue }
                var index = 0
                while index + needle.count <= characters.count {
                    if Array(characters[index..<(index + needle.count)]) == needle {
                        var cursor = index + needle.count
                        while cursor < characters.count, characters[cursor] == " " { cursor += 1 }
                        guard cursor < characters.count, characters[cursor] == ":" else { return nil }
                        cursor += 1
                        while cursor < characters.count, characters[cursor] == " " { cursor += 1 }
                        return cursor
                    }
                    index += 1
                }
            }
            return nil
        }

        guard let descrStart = valueStart(of: "descr"), descrStart < characters.count else {
            throw fail("header has no 'descr'")
        }
        let quote = characters[descrStart]
        guard quote == "'" || quote == "\"" else { throw fail("'descr' is not a string") }
        var cursor = descrStart + 1
        var descr = ""
        while cursor < characters.count, characters[cursor] != quote {
            descr.unicodeScalars.append(characters[cursor])
            cursor += 1
        }
        guard cursor < characters.count else { throw fail("unterminated 'descr'") }

        guard let orderStart = valueStart(of: "fortran_order") else {
            throw fail("header has no 'fortran_order'")
        }
        let rest = String(String.UnicodeScalarView(characters[orderStart...]))
        let fortranOrder: Bool
        if rest.hasPrefix("True") {
            fortranOrder = true
        } else if rest.hasPrefix("False") {
            fortranOrder = false
        } else {
            throw fail("'fortran_order' is neither True nor False")
        }

        guard let shapeStart = valueStart(of: "shape"), shapeStart < characters.count,
            characters[shapeStart] == "("
        else {
            throw fail("header has no 'shape' tuple")
        }
        var shape: [Int] = []
        var number = ""
        cursor = shapeStart + 1
        while cursor < characters.count, characters[cursor] != ")" {
            let character = characters[cursor]
            if ("0"..."9").contains(character) {
                number.unicodeScalars.append(character)
            } else if character == "," || character == " " {
                if !number.isEmpty {
                    guard let value = Int(number) else { throw fail("bad dimension \(number)") }
                    shape.append(value)
                    number = ""
                }
            } else if character != "L" {  // Python 2 wrote long integers as 512L
                throw fail("unexpected character \(character) in 'shape'")
            }
            cursor += 1
        }
        guard cursor < characters.count else { throw fail("unterminated 'shape'") }
        if !number.isEmpty {
            guard let value = Int(number) else { throw fail("bad dimension \(number)") }
            shape.append(value)
        }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }
}
