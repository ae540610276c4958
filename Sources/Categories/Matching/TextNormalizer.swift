import Foundation

/// Puts Chinese store-staff text into one canonical form before matching.
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

    /// The units matching works on: a run of Latin letters or digits is one token ("pos", "2048"),
    /// every other kept character (a Chinese character) is a token of its own.
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var run = ""
        for scalar in normalize(text).unicodeScalars {
            if scalar.isASCII {
                run.unicodeScalars.append(scalar)
            } else {
                if !run.isEmpty {
                    tokens.append(run)
                    run = ""
                }
                tokens.append(String(scalar))
            }
        }
        if !run.isEmpty { tokens.append(run) }
        return tokens
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
