import Categories
import Foundation

/// A reply that picks an item of a numbered list: 1, ２, 第3个, 一, 选2 …
public enum SuggestionPick {
    public static func parse(_ text: String, count: Int) -> Int? {
        guard count > 0 else { return nil }
        var normal = TextNormalizer.normalize(text)
        for wrapper in ["选择", "选", "第", "个", "条", "号", "项"] { normal = normal.replacingOccurrences(of: wrapper, with: "") }
        let chinese: [String: Int] = ["一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5]
        guard let number = Int(normal) ?? chinese[normal], (1...count).contains(number) else { return nil }
        return number
    }
}

/// "都不是" to a list of suggestions.
public enum NoneOfThese {
    public static let phrases: Set<String> = [
        "都不是", "都不对", "都没有", "没有", "不是", "都不是的", "以上都不是", "没有我要的", "都不是我要的",
    ]

    public static func matches(_ text: String) -> Bool { phrases.contains(TextNormalizer.normalize(text)) }
}

/// "有用" or "没用" about the answer just given.
public enum Feedback {
    public static let helpful: Set<String> = ["有用", "有帮助", "解决了", "已解决", "好用", "有用谢谢", "有帮助谢谢", "很有用", "👍"]
    public static let unhelpful: Set<String> = [
        "没用", "没有用", "没帮助", "没有帮助", "没解决", "没有解决", "不对", "不是这个", "答非所问",
    ]

    /// True for helpful, false for unhelpful, nil when `text` is neither.
    public static func parse(_ text: String) -> Bool? {
        let normal = TextNormalizer.normalize(text)
        if helpful.contains(normal) || text.trimmingCharacters(in: .whitespaces) == "👍" { return true }
        if unhelpful.contains(normal) { return false }
        return nil
    }
}

/// A reply that skips an intake question: 跳过, 不知道 …
public enum IntakeSkip {
    public static let phrases: Set<String> = [
        "跳过", "不知道", "不清楚", "没有", "无", "略", "不记得", "忘了", "没有单号", "不知道单号", "跳过吧", "skip",
    ]

    /// Whether `normalized` (a `TextNormalizer` form) skips the question.
    public static func matches(_ normalized: String) -> Bool { phrases.contains(normalized) }
}
