/// A forward-only reader for the protobuf wire format, just enough to walk a
/// SentencePiece `ModelProto` without generated code.
///
/// Unknown fields are skipped by wire type, so newer model files with extra
/// fields still load. Groups (wire types 3 and 4) are rejected: protobuf 3
/// does not produce them and SentencePiece never used them.
struct ProtobufReader {
    /// A decoded field value: varints and fixed-width values as raw bits,
    /// length-delimited values as a byte range into the buffer.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(Range<Int>)
    }

    struct Failure: Error {
        let reason: String
    }

    private let bytes: [UInt8]
    private var position: Int
    private let end: Int

    /// Reads `bytes[range]` (the whole buffer by default).
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// The next field as (field number, value), or nil at the end of the message.
    mutating func next() throws -> (field: Int, value: Value)? {
        guard position < end else { return nil }
        let tag = try readVarint()
        let field = Int(tag >> 3)
        guard field > 0 else { throw Failure(reason: "field number 0 at byte \(position)") }
        switch tag & 7 {
        case 0:
            return (field, .varint(try readVarint()))
        case 1:
            return (field, .fixed64(try readFixed(8)))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(end - position) else {
                throw Failure(reason: "field \(field) of length \(length) runs past the end of its message")
            }
            let start = position
            position += Int(length)
            return (field, .bytes(start..<position))
        case 5:
            return (field, .fixed32(UInt32(truncatingIfNeeded: try readFixed(4))))
        default:
            throw Failure(reason: "unsupported wire type \(tag & 7) for field \(field)")
        }
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Failure(reason: "truncated varint") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw Failure(reason: "varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readFixed(_ width: Int) throws -> UInt64 {
        guard end - position >= width else { throw Failure(reason: "truncated fixed-width field") }
        var result: UInt64 = 0
        for index in 0..<width {
            result |= UInt64(bytes[position + index]) << (8 * UInt64(index))
        }
        position += width
        return result
    }
}
