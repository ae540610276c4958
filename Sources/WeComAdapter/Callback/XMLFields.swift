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
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
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
