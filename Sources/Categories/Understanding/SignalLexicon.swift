/// The phrases that reveal hand-over signals and small talk, and (`not`) those that force a reading off.
/// The defaults are written for store staff; admins add their own under `bot.signals` in
/// `Config/storedesk.yaml`.
///
/// Without the intent classifier the lexicon is the whole of it: the built-in phrases and the admin's.
/// With the classifier, the lexicon is the admin's override in both directions: the admin's phrases force
/// their signal on, `not` phrases force it off, and of the built-in phrases only the small talk is kept
/// (`standard(withClassifier:)`: broad ones such as 人工 and 紧急 would otherwise force 人工成本怎么算 and
/// 紧急补货单怎么提 over to a person).
///
/// Phrases are matched on normalised text (see `TextNormalizer`), so write them without punctuation.
public struct SignalLexicon: Sendable, Hashable, Codable {
    public var requestedHuman: [String]
    public var complaint: [String]
    /// Phrases that mention a complaint without being one (顾客投诉怎么处理 asks how to handle one).
    public var notComplaint: [String]
    public var urgent: [String]
    /// Words that make a question about a place's *own* matter (当地, 本区域 …), or place suffixes (区, 店 …) in names.
    public var regionalMarkers: [String]
    /// Names of regions, cities and stores.
    public var places: [String]
    /// Whole messages that are greetings, thanks or acknowledgements.
    public var smalltalk: [String]
    /// Phrases that force a signal, small talk or off-topic off (`notComplaint` is the older spelling of
    /// `not.complaint`; both count).
    public var not: SignalExclusions

    public init(
        requestedHuman: [String], complaint: [String], notComplaint: [String], urgent: [String],
        regionalMarkers: [String], places: [String], smalltalk: [String], not: SignalExclusions = .empty
    ) {
        self.requestedHuman = requestedHuman
        self.complaint = complaint
        self.notComplaint = notComplaint
        self.urgent = urgent
        self.regionalMarkers = regionalMarkers
        self.places = places
        self.smalltalk = smalltalk
        self.not = not
    }

    enum CodingKeys: String, CodingKey {
        case requestedHuman, complaint, notComplaint, urgent, regionalMarkers, places, smalltalk, not
    }

    /// Every list is optional in a file (an addition to the defaults names only what it adds).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
        self.init(
            requestedHuman: try list(.requestedHuman), complaint: try list(.complaint), notComplaint: try list(.notComplaint),
            urgent: try list(.urgent), regionalMarkers: try list(.regionalMarkers), places: try list(.places),
            smalltalk: try list(.smalltalk), not: try container.decodeIfPresent(SignalExclusions.self, forKey: .not) ?? .empty)
    }

    /// Adds `other`'s phrases to these.
    public func merging(_ other: SignalLexicon) -> SignalLexicon {
        SignalLexicon(
            requestedHuman: requestedHuman + other.requestedHuman, complaint: complaint + other.complaint,
            notComplaint: notComplaint + other.notComplaint, urgent: urgent + other.urgent,
            regionalMarkers: regionalMarkers + other.regionalMarkers, places: places + other.places,
            smalltalk: smalltalk + other.smalltalk, not: not.merging(other.not))
    }

    /// The built-in phrases to start from: all of `standard` without the intent classifier; with it, its
    /// small talk (whole messages such as 好的 and 谢谢) and `assured`, since the classifier reads the
    /// signals and the broader built-in phrases (人工, 紧急, 差评) would force 人工成本怎么算, 紧急补货单怎么提
    /// and 顾客差评怎么回复 over to a person.
    public static func standard(withClassifier: Bool) -> SignalLexicon {
        withClassifier ? assured.merging(SignalLexicon.empty.with(smalltalk: standard.smalltalk)) : standard
    }

    /// Built-in phrases that say their signal outright, kept beside the classifier: a 转人工 inside a long
    /// message weighs little among its other words. Each of them carries its signal every time it occurs in
    /// `Config/intents.jsonl` (at least three times), and none is part of a routine word (没人管 is in
    /// 没人管理, 什么破 in 什么破损: left out).
    public static let assured = SignalLexicon(
        requestedHuman: ["转人工", "人工服务", "找人工", "要人工", "接人工", "真人", "打电话给我"],
        complaint: ["太差了", "破系统", "气死", "到底有没有人管"], notComplaint: [],
        urgent: ["十万火急", "急急", "着火", "冒烟", "晕倒", "报警"], regionalMarkers: [], places: [], smalltalk: [])

    private func with(smalltalk: [String]) -> SignalLexicon {
        var copy = self
        copy.smalltalk = smalltalk
        return copy
    }

    /// An empty lexicon, to build on.
    public static let empty = SignalLexicon(
        requestedHuman: [], complaint: [], notComplaint: [], urgent: [], regionalMarkers: [], places: [], smalltalk: [])

    /// The built-in phrases.
    public static let standard = SignalLexicon(
        requestedHuman: [
            "转人工", "人工客服", "人工服务", "找人工", "要人工", "接人工", "真人", "找总部的人", "找总部", "联系总部",
            "总部的人", "找客服", "联系客服", "找个人", "找人处理", "让人联系我", "打电话给我", "给我回电话", "人工",
        ],
        complaint: [
            "我要投诉", "投诉你们", "投诉一下", "要投诉", "差评", "太差了", "太差劲", "很不满意", "非常不满", "不满意",
            "什么破", "破系统", "垃圾系统", "太垃圾", "气死", "态度太差", "没人管", "一直没人理", "到底有没有人管", "太过分",
        ],
        notComplaint: ["顾客投诉怎么", "客诉怎么", "投诉怎么处理", "客诉流程", "投诉流程", "处理投诉", "处理客诉"],
        urgent: [
            "紧急", "十万火急", "急急", "非常急", "特别急", "着火", "起火", "火灾", "冒烟", "漏电", "触电", "受伤", "流血",
            "晕倒", "昏倒", "打架", "抢劫", "被盗", "小偷", "偷东西", "报警", "燃气泄漏", "煤气泄漏", "爆炸", "砸伤",
            "摔伤", "救护车", "打120", "打110", "闹事", "安全事故", "停电了", "漏水严重", "被困",
        ],
        regionalMarkers: ["本区域", "我们区域", "我们大区", "我们片区", "区域的", "本地", "当地", "本市", "我们城市", "我们这边的政策"],
        places: [
            "华东", "华南", "华北", "华中", "西南", "西北", "东北", "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州",
            "南京", "苏州", "成都", "武汉", "西安", "长沙", "郑州", "青岛", "济南", "厦门", "福州", "宁波", "无锡", "合肥",
            "昆明", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原", "南昌", "南宁", "贵阳", "兰州", "海口", "东莞",
            "佛山",
        ],
        smalltalk: [
            "你好", "您好", "你好啊", "在吗", "在不在", "有人吗", "hello", "hi", "早上好", "早", "中午好", "下午好", "晚上好",
            "谢谢", "谢谢你", "谢谢啦", "感谢", "多谢", "辛苦了", "好的", "好", "好滴", "收到", "知道了", "明白了", "明白",
            "了解", "懂了", "ok", "okay", "嗯", "嗯嗯", "哦", "噢", "行", "可以", "没问题", "再见", "拜拜", "哈哈", "呵呵",
            "赞", "厉害", "谢了", "哈喽", "嗨", "hey", "上午好", "早安", "午安", "晚安", "在么", "在嘛", "在不", "有人在吗",
            "谢谢您", "麻烦了", "麻烦你了", "麻烦您了", "辛苦", "thanks", "thank", "thx", "好哒", "好嘞", "好吧", "好啊",
            "好呀", "好了", "行吧", "恩", "恩恩", "哦哦", "喔", "额", "呃", "哈", "嘿嘿", "嘻嘻", "收到了", "知道", "了解了",
            "清楚了", "是的", "是", "对", "对的", "对啊", "没错", "没事", "没事了", "没关系", "不客气", "不用谢", "不用了",
            "拜", "88", "bye", "回头见", "下次见", "稍等", "等等", "等一下", "稍等一下", "亲", "亲亲", "哎", "唉",
        ])
}
