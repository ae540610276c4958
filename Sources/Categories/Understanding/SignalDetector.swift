import Foundation

/// Reads the hand-over signals and small talk in a question's wording.
///
/// Signals come from the wording, not from the knowledge base: a request for a person, a complaint, an
/// emergency or a regional matter goes to a person whatever the match. With an `IntentClassifier` they
/// are learnt, and the lexicon overrides it both ways: a lexicon phrase forces its signal on, a `not`
/// phrase forces it off (see `SignalLexicon`). Without one, the lexicon alone decides.
public struct SignalDetector: Sendable {
    private let requestedHuman: [String]
    private let complaint: [String]
    private let urgent: [String]
    private let regionalMarkers: [String]
    private let places: [String]
    private let smalltalk: Set<String>
    /// `not` phrases by what they force off.
    private let excluded: [QuestionSignal: [String]]
    private let notSmalltalk: [String]
    private let notOffTopic: [String]
    private let intents: IntentClassifier?

    public init(lexicon: SignalLexicon, intents: IntentClassifier? = nil) {
        func normalised(_ phrases: [String]) -> [String] {
            Array(Set(phrases.map(TextNormalizer.normalize).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
        }
        requestedHuman = normalised(lexicon.requestedHuman)
        complaint = normalised(lexicon.complaint)
        urgent = normalised(lexicon.urgent)
        regionalMarkers = normalised(lexicon.regionalMarkers)
        places = normalised(lexicon.places)
        smalltalk = Set(normalised(lexicon.smalltalk))
        excluded = Dictionary(
            uniqueKeysWithValues: QuestionSignal.allCases.map { signal in
                let phrases = lexicon.not.phrases(for: signal) + (signal == .complaint ? lexicon.notComplaint : [])
                return (signal, normalised(phrases))
            })
        notSmalltalk = normalised(lexicon.not.smalltalk)
        notOffTopic = normalised(lexicon.not.offTopic)
        self.intents = intents
    }

    /// The signals in `text`.
    public func signals(in text: String) -> Set<QuestionSignal> { read(text).signals }

    /// Whether a classifier reads small talk and off-topic lines (`read(_:)`'s `chat`): then what it
    /// leaves unread is a real question, however far from the knowledge base's words.
    public var readsChat: Bool { intents.map { $0.reads(.smalltalk) && $0.reads(.offTopic) } ?? false }

    /// Whether `text` is only a code: ASCII letters, digits, separators and spaces, with at least four digits.
    static func isCode(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        return scalars.filter { ("0"..."9").contains($0) }.count >= 4
            && scalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || " -_/#:.".unicodeScalars.contains($0))
            }
    }

    /// Everything the wording says: the signals, the lexicon's small talk, and the classifier's small
    /// talk or off-topic (one pass of the classifier).
    /// - Parameter vector: the message's sentence vector (`IntentClassifier.embeddedText`), when the caller
    ///   has it already.
    public func read(_ text: String, vector: [Float]? = nil) -> SignalReading {
        let normal = TextNormalizer.normalize(text)
        guard !normal.isEmpty || intents != nil else { return SignalReading() }
        // An order or waybill number alone (SO20261203001, YT 1234 5678) says nothing the classifier can
        // read, and its shape (digits, length) must not make an emergency of it.
        let said = Self.isCode(text) ? [] : intents?.intents(in: text, vector: vector) ?? []
        var reading = SignalReading(isSmalltalk: isSmalltalk(normal: normal))
        for signal in QuestionSignal.allCases {
            let exclusions = excluded[signal] ?? []
            // The lexicon's phrases are looked for with the `not` phrases cut out; the classifier's
            // reading stands unless a `not` phrase is there at all.
            let rest = Self.cutting(exclusions, from: normal)
            let forced: Bool =
                switch signal {
                case .requestedHuman: requestedHuman.contains(where: rest.contains)
                case .complaint: complaint.contains(where: rest.contains)
                case .urgent: urgent.contains(where: rest.contains)
                case .regional: isRegional(rest)
                }
            let learnt =
                said.contains { $0.signal == signal } && !exclusions.contains(where: normal.contains)
                && !(signal == .regional && Self.isPostalAddress(normal))
            if forced { reading.forced.insert(signal) }
            if forced || learnt { reading.signals.insert(signal) }
        }
        if said.contains(.smalltalk), !notSmalltalk.contains(where: normal.contains) {
            reading.chat = .smalltalk
        } else if said.contains(.offTopic), !notOffTopic.contains(where: normal.contains) {
            reading.chat = .offTopic
        }
        return reading
    }

    /// Whether the whole message is a greeting, thanks or acknowledgement of the lexicon's (one or
    /// several, repeated); the classifier's small talk is `read(_:)`'s `chat`.
    public func isSmalltalk(_ text: String) -> Bool { isSmalltalk(normal: TextNormalizer.normalize(text)) }

    private func isSmalltalk(normal: String) -> Bool {
        var rest = normal
        guard !rest.isEmpty, !notSmalltalk.contains(where: normal.contains) else { return false }
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

    /// `normal` with every occurrence of `phrases` replaced by a break (normalised text has no
    /// punctuation, so no phrase can match across it).
    private static func cutting(_ phrases: [String], from normal: String) -> String {
        var rest = normal
        for phrase in phrases where rest.contains(phrase) { rest = rest.replacingOccurrences(of: phrase, with: "|") }
        return rest
    }

    /// A postal address (…市…区…路 88 号) names places without asking about them: neither the lexicon's
    /// places nor the classifier make it regional.
    private static func isPostalAddress(_ normal: String) -> Bool {
        normal.contains(where: { $0.isASCII && $0.isNumber })
            && ["路", "街", "号", "弄", "镇", "大道", "小区", "栋", "单元", "室"].contains(where: normal.contains)
    }

    /// A named place together with a question about its own matter: 华东区的促销什么时候开始,
    /// 上海的门店下周闭店吗, 本区域的调价通知. A place alone in passing (从上海仓发货) is not enough unless
    /// it is a region or store name, which is always about that place.
    private func isRegional(_ normal: String) -> Bool {
        if regionalMarkers.contains(where: normal.contains) { return true }
        if Self.isPostalAddress(normal) { return false }
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
