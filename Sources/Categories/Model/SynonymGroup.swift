import Foundation

/// Words that mean the same to store staff (小票 / 收银条 / 购物小票). Before matching, every term of a
/// group is read as its first term, in questions and phrasings alike.
public struct SynonymGroup: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    /// The canonical term first, then its variants.
    public var terms: [String]

    public init(id: String, terms: [String]) {
        self.id = id
        self.terms = terms
    }
}

/// Rewrites variants to their canonical term, longest variant first (so 购物小票 wins over 小票).
struct SynonymMap: Sendable, Hashable {
    private let replacements: [(variant: String, canonical: String)]

    init(_ groups: [SynonymGroup]) {
        var replacements: [(String, String)] = []
        for group in groups {
            let terms = group.terms.map { $0.precomposedStringWithCompatibilityMapping.lowercased() }.filter { !$0.isEmpty }
            guard let canonical = terms.first else { continue }
            for variant in terms.dropFirst() where variant != canonical { replacements.append((variant, canonical)) }
        }
        self.replacements = replacements.sorted { $0.0.count > $1.0.count }
    }

    var isEmpty: Bool { replacements.isEmpty }

    /// `text` (NFKC, lower-cased) with every variant replaced by its canonical term.
    func apply(_ text: String) -> String {
        var result = text.precomposedStringWithCompatibilityMapping.lowercased()
        guard !replacements.isEmpty else { return result }
        // Mark what has been replaced so a canonical term is not rewritten again by a shorter variant.
        var placeholders: [String] = []
        for (variant, canonical) in replacements where result.contains(variant) {
            let marker = "\u{E000}\(placeholders.count)\u{E001}"
            placeholders.append(canonical)
            result = result.replacingOccurrences(of: variant, with: marker)
        }
        for (index, canonical) in placeholders.enumerated().reversed() {
            result = result.replacingOccurrences(of: "\u{E000}\(index)\u{E001}", with: canonical)
        }
        return result
    }

    static func == (lhs: SynonymMap, rhs: SynonymMap) -> Bool {
        lhs.replacements.map(\.variant) == rhs.replacements.map(\.variant)
            && lhs.replacements.map(\.canonical) == rhs.replacements.map(\.canonical)
    }

    func hash(into hasher: inout Hasher) {
        for (variant, canonical) in replacements {
            hasher.combine(variant)
            hasher.combine(canonical)
        }
    }
}
