internal import COpenCC
import Foundation

/// OpenCC's two phrase-level conversions (t2s, s2t) and, read off t2s once, which characters exist in
/// one script only: what `ChineseScript` folds, detects and writes with.
///
/// t2s is opened with the first text read (some tens of milliseconds: OpenCC maps its dictionaries and
/// every character is probed once); s2t with the first reply written in traditional, since its phrase
/// table costs ~8 MB that a chain whose associates all write simplified never needs.
final class ChineseScriptConverter: Sendable {
    static let shared = ChineseScriptConverter()

    /// An OpenCC converter. Conversion only reads its dictionaries (each lookup has its own trie cursor),
    /// so one handle serves every thread at once.
    struct Handle: @unchecked Sendable {
        let pointer: opencc_t
    }

    private let toSimplified: Handle?
    private static let toTraditional = open(OPENCC_DEFAULT_CONFIG_SIMP_TO_TRAD)
    /// Why t2s could not be opened (OpenCC's data missing); folding is then the identity.
    private let t2sFailure: String?
    /// Characters t2s changes on their own, which simplified writing does not use (but for a few, such as
    /// 著 and 乾, inside phrases t2s keeps: 著名, 乾隆): a text without any is left as it is by folding.
    private let traditionalOnly: ChineseScriptScalarSet
    /// What t2s changes those into, less those themselves: characters traditional writing does not use.
    private let simplifiedOnly: ChineseScriptScalarSet

    private init() {
        // OpenCC looks the configuration up in its own data folder (/usr/share/opencc on Debian).
        toSimplified = Self.open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP)
        guard let toSimplified else {
            t2sFailure = "OpenCC's t2s.json could not be opened: \(String(cString: opencc_error()))"
            traditionalOnly = ChineseScriptScalarSet()
            simplifiedOnly = ChineseScriptScalarSet()
            return
        }
        t2sFailure = nil
        // Every character of the Basic Multilingual Plane that can be Chinese, converted alone (one per
        // line, so no phrase spans two), says which characters t2s changes and into what.
        let probe = Array(
            (0x2E80...0xD7FF).compactMap(Unicode.Scalar.init) + (0xF900...0xFFEF).compactMap(Unicode.Scalar.init))
        var changed = ChineseScriptScalarSet()
        var results = ChineseScriptScalarSet()
        let lines = Self.convert(Self.lines(probe), with: toSimplified).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count == probe.count + 1 {
            for (scalar, line) in zip(probe, lines) where line.unicodeScalars.count != 1 || line.unicodeScalars.first != scalar {
                changed.insert(scalar)
                for result in line.unicodeScalars { results.insert(result) }
            }
        } else {
            // OpenCC's tables map one character to one, so the lines align; if a future table did not,
            // every text is converted (no fast path is safe) and none is told apart.
            changed = ChineseScriptScalarSet(all: true)
        }
        traditionalOnly = changed
        simplifiedOnly = results.subtracting(changed)
    }

    /// Why conversion is off, either way; nil when it works.
    var failure: String? {
        t2sFailure ?? (Self.toTraditional == nil ? "OpenCC's s2t.json could not be opened" : nil)
    }

    /// `text` through t2s when it has a character t2s would change (or an ideograph beyond the Basic
    /// Multilingual Plane, which the probe did not cover); otherwise `text` itself.
    func fold(_ text: String) -> String {
        guard let toSimplified, needsFolding(text) else { return text }
        return Self.convert(text, with: toSimplified)
    }

    /// `text` through s2t.
    func traditional(_ text: String) -> String {
        guard let toTraditional = Self.toTraditional else { return text }
        return Self.convert(text, with: toTraditional)
    }

    /// How many of `text`'s characters exist only in traditional, and only in simplified writing.
    func scriptEvidence(_ text: String) -> (traditional: Int, simplified: Int) {
        var evidence = (traditional: 0, simplified: 0)
        for scalar in text.unicodeScalars {
            if traditionalOnly.contains(scalar) { evidence.traditional += 1 }
            if simplifiedOnly.contains(scalar) { evidence.simplified += 1 }
        }
        return evidence
    }

    private func needsFolding(_ text: String) -> Bool {
        text.unicodeScalars.contains { traditionalOnly.contains($0) || (0x20000...0x3FFFF).contains($0.value) }
    }

    private static func open(_ configuration: String) -> Handle? {
        let pointer = opencc_open(configuration)
        // opencc_open answers (opencc_t)-1 on failure.
        guard let pointer, Int(bitPattern: pointer) != -1 else { return nil }
        return Handle(pointer: pointer)
    }

    private static func convert(_ text: String, with handle: Handle) -> String {
        guard !text.isEmpty else { return text }
        // OpenCC answers a C string: a NUL inside the text would cut it short, so the parts around one go separately.
        if text.utf8.contains(0) {
            return text.split(separator: "\0", omittingEmptySubsequences: false).map { convert(String($0), with: handle) }
                .joined(separator: "\0")
        }
        var text = text
        let converted = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { opencc_convert_utf8(handle.pointer, $0.baseAddress, $0.count) }
        }
        guard let converted else { return text }
        defer { opencc_convert_utf8_free(converted) }
        return String(cString: converted)
    }

    /// The scalars one a line.
    private static func lines(_ scalars: [Unicode.Scalar]) -> String {
        var text = String.UnicodeScalarView()
        for scalar in scalars {
            text.append(scalar)
            text.append("\n")
        }
        return String(text)
    }
}
