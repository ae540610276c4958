/// How an import treats what it does not mention.
public enum ImportMode: String, Sendable, CaseIterable {
    /// Add and update; keep everything else.
    case merge
    /// Make the store hold exactly the file's records: remove the others.
    case replace
}
