import Foundation

/// Puts Chinese store-staff text into one canonical form (for signals, small talk and number picks;
/// matching tokenises with `MatchFeatures`).
///
/// Full-width letters and digits become half-width (NFKC), Latin letters lower-case, and
/// punctuation, symbols, emoji and spaces are dropped: "ＰＯＳ机打不出小票！！😭" and "pos机打不出小票"
/// read the same.
public enum TextNormalizer {
    /// The canonical form of `text`.
    public static func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars where isKept(scalar) {
            result.append(scalar)
        }
        return String(result)
    }

    private static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return !scalar.properties.isEmojiPresentation
        default:
            return false
        }
    }
}
