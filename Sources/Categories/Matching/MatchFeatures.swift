import Foundation

/// The tokens and n-gram features questions are matched on.
///
/// After NFKC, lower-casing and folding traditional characters to simplified (`ChineseScript.fold`;
/// questions and phrasings come here folded already, which costs only a scan, but an admin's edit
/// patched into a large index arrives as written), a Han character is a token, a run of Latin letters
/// is a token, and a run of digits (with any `.` inside) is the class token `#` ("9.9", "400", "12" all
/// read `#`, since amounts and order numbers say nothing about what is asked). Everything else ends a
/// run and is dropped. Features are unigrams and adjacent bigrams, counted.
enum MatchFeatures {
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var run = String.UnicodeScalarView()
        var runIsDigits = false
        func flush() {
            if !run.isEmpty { tokens.append(runIsDigits ? "#" : String(run)) }
            run = String.UnicodeScalarView()
        }
        for scalar in ChineseScript.fold(text.precomposedStringWithCompatibilityMapping.lowercased()).unicodeScalars {
            let value = scalar.value
            if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value) {
                flush()
                tokens.append(String(scalar))
            } else if (0x61...0x7A).contains(value) {
                // a-z
                if runIsDigits || run.isEmpty { flush() }
                runIsDigits = false
                run.append(scalar)
            } else if (0x30...0x39).contains(value) || (value == 0x2E && runIsDigits && !run.isEmpty) {
                // 0-9, or a . inside a number
                if !runIsDigits { flush() }
                runIsDigits = true
                run.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Unigram (`1` + token) and adjacent-bigram (`2` + token + U+0001 + token) counts.
    static func counts(_ text: String) -> [String: Int] {
        let tokens = tokens(text)
        var counts: [String: Int] = [:]
        for (index, token) in tokens.enumerated() {
            counts["1" + token, default: 0] += 1
            if index + 1 < tokens.count {
                counts["2" + token + "\u{1}" + tokens[index + 1], default: 0] += 1
            }
        }
        return counts
    }
}
