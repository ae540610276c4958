import Foundation

/// Reads the hand-over signals and small talk in a question's wording.
///
/// Signals come from phrases, not from the knowledge base: a request for a person, a complaint, an
/// emergency or a regional matter goes to a person whatever the match.
public struct SignalDetector: Sendable {
    private let requestedHuman: [String]
    private let complaint: [String]
    private let notComplaint: [String]
    private let urgent: [String]
    private let regionalMarkers: [String]
    private let places: [String]
    private let smalltalk: Set<String>

    public init(lexicon: SignalLexicon) {
        func normalised(_ phrases: [String]) -> [String] {
            Array(Set(phrases.map(TextNormalizer.normalize).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
        }
        requestedHuman = normalised(lexicon.requestedHuman)
        complaint = normalised(lexicon.complaint)
        notComplaint = normalised(lexicon.notComplaint)
        urgent = normalised(lexicon.urgent)
        regionalMarkers = normalised(lexicon.regionalMarkers)
        places = normalised(lexicon.places)
        smalltalk = Set(normalised(lexicon.smalltalk))
    }

    /// The signals in `text`.
    public func signals(in text: String) -> Set<QuestionSignal> {
        let normal = TextNormalizer.normalize(text)
        guard !normal.isEmpty else { return [] }
        var found = Set<QuestionSignal>()
        if requestedHuman.contains(where: normal.contains) { found.insert(.requestedHuman) }
        if complaint.contains(where: normal.contains), !notComplaint.contains(where: normal.contains) {
            found.insert(.complaint)
        }
        if urgent.contains(where: normal.contains) { found.insert(.urgent) }
        if isRegional(normal) { found.insert(.regional) }
        return found
    }

    /// Whether the whole message is a greeting, thanks or acknowledgement (one or several, repeated).
    public func isSmalltalk(_ text: String) -> Bool {
        var rest = TextNormalizer.normalize(text)
        guard !rest.isEmpty else { return false }
        // Peel known phrases off the front, longest first; particles such as 啊 and 呀 may trail.
        let particles: Set<Character> = [
            "啊", "呀", "哈", "啦", "呢", "哦", "的", "了", "吧", "嘛", "哇", "噢", "喔", "嗯", "恩", "亲", "哟", "呐",
        ]
        var progressed = true
        while !rest.isEmpty, progressed {
            progressed = false
            if let phrase = smalltalk.filter({ rest.hasPrefix($0) }).max(by: { $0.count < $1.count }) {
                rest.removeFirst(phrase.count)
                progressed = true
            } else if let first = rest.first, particles.contains(first) {
                rest.removeFirst()
                progressed = true
            }
        }
        return rest.isEmpty
    }

    /// A named place together with a question about its own matter: 华东区的促销什么时候开始,
    /// 上海的门店下周闭店吗, 本区域的调价通知. A place alone in passing (从上海仓发货) is not enough unless
    /// it is a region or store name, which is always about that place.
    private func isRegional(_ normal: String) -> Bool {
        if regionalMarkers.contains(where: normal.contains) { return true }
        // A postal address (…市…区…路 88 号) names places without asking about them.
        if normal.contains(where: { $0.isASCII && $0.isNumber }),
            ["路", "街", "号", "弄", "镇", "大道", "小区", "栋", "单元", "室"].contains(where: normal.contains)
        {
            return false
        }
        for place in places where normal.contains(place) {
            // 华东区, 华南大区, 杭州西湖店, 上海的 …: the place is the subject, not a waypoint.
            guard let range = normal.range(of: place) else { continue }
            let after = normal[range.upperBound...]
            if after.hasPrefix("区") || after.hasPrefix("大区") || after.hasPrefix("片区") || after.hasPrefix("的")
                || after.hasPrefix("地区") || after.hasPrefix("这边") || after.hasPrefix("那边") || after.hasPrefix("市")
                || after.prefix(4).contains("店")
            {
                return true
            }
        }
        return false
    }
}
