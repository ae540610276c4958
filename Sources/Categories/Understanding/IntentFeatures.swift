import Foundation

/// What the intent classifier reads in a message: character n-grams of its normalised text, and its shape.
///
/// N-grams (1–3 characters, `TextNormalizer`'s form: folded to simplified, punctuation and emoji
/// dropped; a run of digits reads `#`; the message's start and end are marked, so 人工 alone differs
/// from 人工成本) are weighted by TF-IDF. The shape is what normalising drops but store chat uses to say
/// how it feels or how soon: runs of ？ and ！, emoji (each one, and any), "again" (又, 第3次, 每次),
/// digits and times (10点, 5分钟, 马上), words of haste and of an outage, a question's form, a place's
/// suffix (区, 店) and the length. Each is a feature of its own, learnt like the n-grams.
enum IntentFeatures {
    static let maximumGram = 3
    private static let start: Unicode.Scalar = "\u{2}"
    private static let end: Unicode.Scalar = "\u{3}"

    /// A message's n-gram counts, keyed as `TFIDFSpace` weighs them (`1` + a unigram, `2`/`3` + longer
    /// grams), and its shape features (each present once).
    static func of(_ text: String) -> (grams: [String: Int], shape: Set<String>) {
        // NFKC makes ？ and ！ ASCII and full-width digits half-width; folded once for both reads.
        let raw = ChineseScript.fold(text.precomposedStringWithCompatibilityMapping.lowercased())
        let normal = TextNormalizer.normalize(raw)
        return (grams(normal), shape(Array(raw.unicodeScalars), length: normal.unicodeScalars.count))
    }

    private static func grams(_ normal: String) -> [String: Int] {
        var scalars: [Unicode.Scalar] = [start]
        var inDigits = false
        for scalar in normal.unicodeScalars {
            let isDigit = ("0"..."9").contains(scalar)
            if isDigit, inDigits { continue }
            inDigits = isDigit
            scalars.append(isDigit ? "#" : scalar)
        }
        scalars.append(end)
        var counts: [String: Int] = [:]
        for length in 1...maximumGram where scalars.count >= length {
            for offset in 0...(scalars.count - length) {
                if length == 1, scalars[offset] == start || scalars[offset] == end { continue }
                var key = String.UnicodeScalarView()
                key.append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(length)))
                key.append(contentsOf: scalars[offset..<(offset + length)])
                counts[String(key), default: 0] += 1
            }
        }
        return counts
    }

    private static func shape(_ scalars: [Unicode.Scalar], length: Int) -> Set<String> {
        var found = Set<String>()
        // Runs of question and exclamation marks.
        var run: (mark: Unicode.Scalar, length: Int) = (" ", 0)
        for (index, scalar) in scalars.enumerated() {
            let isMark = scalar == "?" || scalar == "!"
            if isMark, run.mark == scalar {
                run.length += 1
            } else {
                run = (scalar, isMark ? 1 : 0)
            }
            if run.length >= 2 { found.insert("\(scalar)2") }
            if run.length >= 3 { found.insert("\(scalar)3") }
            if isMark, index > 0, scalars[index - 1] != scalar, scalars[index - 1] == "?" || scalars[index - 1] == "!" {
                found.insert("?!")
            }
            if isEmoji(scalar) {
                found.insert("emoji")
                found.insert("e\(scalar)")
            }
        }
        if contains(cues.again, in: scalars) || hasCount(scalars, after: "第", units: ["次", "回", "遍", "天"]) {
            found.insert("again")
        }
        if scalars.contains(where: { ("0"..."9").contains($0) }) { found.insert("digit") }
        if contains(cues.time, in: scalars) || hasCount(scalars, after: nil, units: ["点", "分", "小", "秒"]) {
            found.insert("time")
        }
        for (name, words) in [("hurry", cues.hurry), ("outage", cues.outage), ("ask", cues.ask), ("place", cues.place)]
        where contains(words, in: scalars) {
            found.insert(name)
        }
        found.insert("length\([0, 2, 5, 10, 20].lastIndex(where: { length > $0 }).map { $0 + 1 } ?? 0)")
        return found
    }

    /// Whether any of `words` occurs in `scalars` (a few short words in a short message: a plain scan).
    private static func contains(_ words: [[Unicode.Scalar]], in scalars: [Unicode.Scalar]) -> Bool {
        for word in words where word.count <= scalars.count {
            for offset in 0...(scalars.count - word.count) where scalars[offset] == word[0] {
                if scalars[offset..<(offset + word.count)].elementsEqual(word) { return true }
            }
        }
        return false
    }

    /// Words that carry the shape's meanings (looked for on the folded, lower-cased text).
    private static let cues = (
        again: words(["又", "每次", "老是", "总是", "再次", "一直", "多少次", "几次了", "还是没"]),
        time: words(["马上", "立刻", "现在", "今天", "今晚", "明天", "刚刚", "刚才", "min"]),
        hurry: words(["急", "快", "马上", "立刻", "赶紧", "速", "在线等", "等不了", "来不及", "asap"]),
        outage: words([
            "崩", "挂了", "死机", "断网", "没网", "停电", "瘫痪", "收不了", "用不了", "打不开", "进不去", "登不上", "报错",
            "黑屏", "卡死", "宕机", "down",
        ]),
        ask: words(["怎么", "如何", "吗", "哪", "什么", "多少", "几", "咋", "能不能", "可不可以", "是否", "请问"]),
        place: words(["区", "店", "城", "市", "分公司", "门店"])
    )

    private static func words(_ list: [String]) -> [[Unicode.Scalar]] { list.map { Array($0.unicodeScalars) } }

    private static let numerals = Set("0123456789一二两三四五六七八九十几半n".unicodeScalars)

    /// Whether a count (digits or Chinese numerals) stands right before one of `units`, after `marker`
    /// when given (第3次, 第三回; 10点, 5分钟, 两小时).
    private static func hasCount(_ scalars: [Unicode.Scalar], after marker: Unicode.Scalar?, units: Set<Unicode.Scalar>) -> Bool {
        var index = 0
        while index < scalars.count {
            if let marker, scalars[index] != marker {
                index += 1
                continue
            }
            var cursor = marker == nil ? index : index + 1
            let first = cursor
            while cursor < scalars.count, numerals.contains(scalars[cursor]) { cursor += 1 }
            if cursor > first, cursor < scalars.count, units.contains(scalars[cursor]) { return true }
            index = max(cursor, index + 1)
        }
        return false
    }

    private static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isEmojiPresentation || (properties.isEmoji && scalar.value >= 0x2100 && scalar.value != 0xFE0F)
    }
}
