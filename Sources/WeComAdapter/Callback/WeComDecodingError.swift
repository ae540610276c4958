/// Why a callback body or its inner message could not be read.
public enum WeComDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XML is not well formed.
    case malformedXML(String)
    /// The document declares a DTD or entities, which WeCom never sends.
    case documentTypeNotAllowed
    /// A field every callback of this kind carries is missing or empty.
    case missingField(String)
    /// A field has a value of the wrong shape (a MsgId that is not a 64-bit number, say).
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .malformedXML(let reason): "the XML is malformed: \(reason)"
        case .documentTypeNotAllowed: "the XML declares a DTD or entities, which are not accepted"
        case .missingField(let name): "the XML has no \(name)"
        case .invalidField(let name, let value): "the XML field \(name) has an invalid value \"\(value.prefix(40))\""
        }
    }
}
