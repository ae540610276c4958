import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

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

    /// Parses `data`. Documents with a DTD are refused before parsing: WeCom never sends one, and
    /// refusing them rules out entity expansion attacks; external entities are never resolved.
    static func parse(_ data: Data) throws(WeComDecodingError) -> XMLFields {
        if declaresDocumentType(data) {
            throw .documentTypeNotAllowed
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse(), collector.sawRoot else {
            throw .malformedXML(parser.parserError.map { "\($0.localizedDescription)" } ?? "not an XML document")
        }
        return collector.fields
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

    private final class Collector: NSObject, XMLParserDelegate {
        var fields = XMLFields()
        var sawRoot = false
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            sawRoot = true
            path.append(elementName)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?
        ) {
            if path.count >= 2 {
                fields.entries.append((path.dropFirst().joined(separator: "/"), text))
            }
            path.removeLast()
            text = ""
        }
    }
}
