import Foundation

/// The two ways of writing Chinese, and the conversions between them (OpenCC's t2s and s2t, phrase by
/// phrase, through Debian's libopencc).
///
/// Associates in Hong Kong, Macau and Taiwan write traditional characters (會員積分怎麼查); the
/// knowledge base, the lexicon and the bot's texts are simplified. Everything that reads text (matching,
/// signals, commands such as 轉人工, 沒用, 跳過) reads it folded to simplified, while the associate's own
/// text is what is stored; replies go back in the script the associate wrote in.
public enum ChineseScript: String, Sendable, Codable, CaseIterable {
    case simplified
    case traditional

    /// `text` with traditional characters folded to simplified, phrase by phrase (OpenCC's t2s: 會員積分
    /// → 会员积分, 乾隆 stays). A text with no character that t2s would change, as all simplified text,
    /// comes back as it is, after a scan of its characters; the conversion maps one character to one,
    /// so lengths do not change.
    public static func fold(_ text: String) -> String {
        ChineseScriptConverter.shared.fold(text)
    }

    /// The script `text` is written in, from its characters that exist in one script only (沒, 轉 or
    /// 没, 转); nil when it has none or as many of each (好的, 1, OK), which either script writes alike.
    public init?(of text: String) {
        let evidence = ChineseScriptConverter.shared.scriptEvidence(text)
        if evidence.traditional > evidence.simplified {
            self = .traditional
        } else if evidence.simplified > evidence.traditional {
            self = .simplified
        } else {
            return nil
        }
    }

    /// `text`, written in simplified as the knowledge base and the bot's texts are, in this script:
    /// unchanged for simplified, phrase by phrase with OpenCC's s2t (standard traditional characters,
    /// neither Taiwan's nor Hong Kong's variants) for traditional.
    public func writing(_ text: String) -> String {
        switch self {
        case .simplified: text
        case .traditional: ChineseScriptConverter.shared.traditional(text)
        }
    }

    /// Why conversion is off, when OpenCC's data could not be opened (folding and writing then leave
    /// text as it is); nil when it works.
    public static var unavailableReason: String? { ChineseScriptConverter.shared.failure }
}
