import Foundation

/// Puts Chinese store-staff text into one canonical form (for signals, small talk and number picks;
/// matching tokenises with `MatchFeatures`).
///
/// Full-width letters and digits become half-width (NFKC), Latin letters lower-case, traditional
/// characters simplified (`ChineseScript.fold`: 轉人工, 沒用 and 跳過 read as 转人工, 没用 and 跳过), and
/// punctuation, symbols, emoji and spaces are dropped: "ＰＯＳ機打不出小票！！😭" and "pos机打不出小票"
/// read the same.
public enum TextNormalizer {
    /// The canonical form of `text`.
    public static func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        // Folded before punctuation is dropped, so that OpenCC's phrases do not run across two sentences.
        let folded = ChineseScript.fold(text.precomposedStringWithCompatibilityMapping.lowercased())
        for scalar in folded.unicodeScalars where isKept(scalar) {
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
