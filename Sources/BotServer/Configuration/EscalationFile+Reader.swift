import Foundation
import Yams

extension EscalationFile {
    /// Reads the YAML nodes of `escalation.yaml` so that every complaint names the file and the line:
    /// `escalation.yaml line 12: team "south" has no members and no lead`.
    struct Reader {
        /// The file's name as people see it in the message.
        let fileName: String

        /// A message about `node`'s line (the file alone when the node has no position).
        func message(_ text: String, at node: Node?) -> String {
            if let line = node?.mark?.line { "\(fileName) line \(line): \(text)" } else { "\(fileName): \(text)" }
        }

        func error(_ text: String, at node: Node?) -> ConfigurationError {
            ConfigurationError(message(text, at: node))
        }

        /// The entries of a mapping, refusing keys other than `allowed`: a misspelt key must not silently
        /// do nothing.
        func fields(_ node: Node, of what: String, allowed: [String]) throws(ConfigurationError) -> Fields {
            let entries = try entries(node, of: what)
            for (key, keyNode, _) in entries where !allowed.contains(key) {
                throw error(
                    "unknown key \"\(key)\" in \(what) (expected \(allowed.joined(separator: ", ")))", at: keyNode)
            }
            return Fields(node: node, values: Dictionary(entries.map { ($0.key, $0.value) }) { first, _ in first })
        }

        /// The keys and values of a mapping, in the file's order (a null value counts as an empty mapping).
        func entries(_ node: Node, of what: String) throws(ConfigurationError) -> [(key: String, keyNode: Node, value: Node)] {
            if isNull(node) { return [] }
            guard let mapping = node.mapping else { throw error("\(what) must be a mapping of keys to values", at: node) }
            var result: [(key: String, keyNode: Node, value: Node)] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { throw error("a key in \(what) must be a plain word", at: key) }
                result.append((name, key, value))
            }
            return result
        }

        /// A non-empty text, trimmed.
        func text(_ node: Node, _ what: String) throws(ConfigurationError) -> String {
            guard let scalar = node.scalar, !isNull(node) else { throw error("\(what) must be a text", at: node) }
            let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw error("\(what) must not be empty", at: node) }
            return text
        }

        /// A list's items; a null value is an empty list.
        func list(_ node: Node, _ what: String) throws(ConfigurationError) -> [Node] {
            if isNull(node) { return [] }
            guard let sequence = node.sequence else { throw error("\(what) must be a list", at: node) }
            return Array(sequence)
        }

        /// A list of texts (`[a, b]`), or one text standing for a list of one.
        func texts(_ node: Node, _ what: String) throws(ConfigurationError) -> [String] {
            if node.scalar != nil, !isNull(node) { return [try text(node, what)] }
            var texts: [String] = []
            for item in try list(node, what) { texts.append(try text(item, "each of \(what)")) }
            return texts
        }

        /// Whether the value is YAML's null (`~`, `null` or nothing), which means "not given".
        func isNull(_ node: Node) -> Bool { node.null != nil }

        /// A mapping's values by key.
        struct Fields {
            /// The mapping itself, for messages about what is missing from it.
            let node: Node
            let values: [String: Node]

            /// The value of `key`, nil when it is absent or null.
            subscript(key: String) -> Node? {
                guard let value = values[key], value.null == nil else { return nil }
                return value
            }
        }
    }
}
