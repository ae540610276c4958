extension StringProtocol {
    /// Whether the text has nothing but white space: what the OpenAPI document's `pattern: "\\S"`
    /// refuses for a required text (a name, a question, an answer, a reply).
    ///
    /// White space is Unicode's `White_Space` and the four separators U+001C to U+001F, the set Python's
    /// `\s` matches: API clients and the schemathesis run in CI read the document's patterns with it,
    /// so the server refuses exactly what they expect refused.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0.properties.isWhitespace || (0x1C...0x1F).contains($0.value) }
    }
}
