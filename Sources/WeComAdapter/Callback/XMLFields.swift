import Foundation

/// The text of the elements of a small XML document, by path below the root
/// (`"Content"`, `"SelectedItems/SelectedItem/QuestionKey"`), CDATA and bare text alike.
///
/// WeCom's XML is flat and small, so a list of (path, text) pairs is all the structure needed.
struct XMLFields: Sendable {
    private(set) var entries: [(path: String, value: String)] = []

    /// The first value at `path`, if any.
    subscript(path: String) -> String? {
        entries.first { $0.path == path }?.value
    }

    /// Every value at `path`, in document order.
    func all(_ path: String) -> [String] {
        entries.filter { $0.path == path }.map(\.value)
    }

    /// Parses `data` with `XMLReader`, strictly: WeCom's XML and nothing else.
    ///
    /// Documents with a DTD are refused first, with their own error: WeCom never sends one, and
    /// refusing them rules out entity expansion and external entities. So are documents that are not
    /// UTF-8, which is all WeCom sends.
    static func parse(_ data: Data) throws(WeComDecodingError) -> XMLFields {
        let bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedXML("the document is not UTF-8")
        }
        if declaresDocumentType(data) {
            throw .documentTypeNotAllowed
        }
        return XMLFields(entries: try XMLReader.read(bytes))
    }

    /// Whether the prolog (what precedes the root element) holds a `<!DOCTYPE`, the only place
    /// entities can be declared. Text inside elements, where a member may type anything, is not looked at.
    static func declaresDocumentType(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var index = 0
        func starts(with prefix: String) -> Bool {
            let prefixBytes = Array(prefix.utf8)
            return bytes.count - index >= prefixBytes.count
                && zip(bytes[index...], prefixBytes).allSatisfy { $0 == $1 }
        }
        func skip(past terminator: String) {
            let terminatorBytes = Array(terminator.utf8)
            while index < bytes.count {
                if starts(with: terminator) {
                    index += terminatorBytes.count
                    return
                }
                index += 1
            }
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0xEF, 0xBB, 0xBF:
                index += 1  // white space and a UTF-8 byte-order mark
            case UInt8(ascii: "<"):
                if starts(with: "<?") {
                    skip(past: "?>")
                } else if starts(with: "<!--") {
                    skip(past: "-->")
                } else {
                    return starts(with: "<!")  // <!DOCTYPE (or any other declaration) before the root
                }
            default:
                return false
            }
        }
        return false
    }
}
