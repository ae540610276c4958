import Foundation
import Testing

@testable import Categories

/// Issue 9's cases through the question engine on the seed knowledge base, with the classifier and the
/// built-in lexicon as the server has them (`SignalLexicon.standard(withClassifier: true)`). A signal is a
/// hand-over: the hand-over policy escalates every understanding that has one.
@Suite("Hand-over intents through the question engine")
struct IntentHandOverTests {
    static let engine = QuestionEngine(
        knowledgeBase: QuestionEngineTests.seed, lexicon: .standard(withClassifier: true),
        intents: IntentClassifierTests.classifier)

    @Test(
        "Requests for a person in other words than the lexicon's",
        arguments: ["能让负责物流的同事联系我一下吗", "我想和你们财务部的人直接沟通", "机器人说不清楚，换个懂的人来", "麻烦让IT的人打我电话", "帮我接一下会员中心的同事"])
    func requestsInOtherWords(text: String) {
        #expect(Self.engine.understand(text).signals.contains(.requestedHuman), "\(text)")
    }

    @Test(
        "An outage that stops the store selling is urgent",
        arguments: ["全店收银机都开不了机，顾客排长队结不了账", "网络断了 所有POS都收不了款", "扫码支付全部失败，现在一单都卖不出去"])
    func outage(text: String) {
        #expect(Self.engine.understand(text).signals.contains(.urgent), "\(text)")
    }

    @Test(
        "Anger shown through punctuation, emoji or \"again\" is a complaint",
        arguments: ["调拨单又没到？？？", "第三次问了！！！还是没人处理😡", "又是这样 每次都拖", "😡😡😡 发票到底什么时候能开"])
    func anger(text: String) {
        #expect(Self.engine.understand(text).signals.contains(.complaint), "\(text)")
    }

    @Test(
        "Questions that use an intent's words without the intent are not handed over for it",
        arguments: ["人工成本怎么算", "顾客投诉怎么登记", "紧急补货单怎么提"])
    func hardNegatives(text: String) {
        let understanding = Self.engine.understand(text)
        #expect(understanding.signals.isEmpty, "\(text): \(understanding.signals)")
    }

    @Test("The knowledge base's own phrasings are answered, a paraphrase may be handed over; one behind a thanks answers")
    func answered() {
        // The classifier alone reads a signal in 12 of the seed's 288 phrasings (收银系统黑屏开不了机 urgent,
        // 我们店的货走到哪了 regional …); typed word for word they are what the admin wrote as routine questions.
        let detector = SignalDetector(lexicon: .standard(withClassifier: true), intents: IntentClassifierTests.classifier)
        let phrasings = QuestionEngineTests.seed.entries.flatMap(\.phrasings)
        let signalled = phrasings.filter { !detector.signals(in: $0).isEmpty }
        print("seed phrasings the classifier reads a signal in: \(signalled.count) of \(phrasings.count): \(signalled)")
        #expect(signalled.count <= 12)
        for entry in QuestionEngineTests.seed.entries {
            let understanding = Self.engine.understand(entry.question)
            #expect(understanding.suggestion == .answer, "\(entry.question)")
            #expect(understanding.signals.isEmpty, "\(entry.question)")
        }
        let verbatim = Self.engine.understand("收银系统黑屏开不了机")
        #expect(verbatim.signals.isEmpty)
        #expect(Self.engine.understand("收银系统黑屏开不了机了，顾客在排队").signals.contains(.urgent))
        let thanked = Self.engine.understand("谢谢，调拨单在哪查")
        #expect(thanked.suggestion == .answer)
        #expect(thanked.candidates.first?.entry.id == "logistics-001")
    }

    @Test("A 转人工 inside a longer message is still a request for a person (a built-in phrase kept beside the classifier)")
    func assured() {
        let understanding = Self.engine.understand("转人工，收银机一直报错")
        #expect(understanding.signals == [.requestedHuman])
        #expect(understanding.category == "system")
    }

    @Test("Small talk and off-topic lines from the classifier, where the knowledge base would not answer")
    func chat() {
        for text in ["早上好呀各位", "辛苦啦 今天就到这", "👍"] {
            #expect(Self.engine.understand(text).suggestion == .smalltalk, "\(text)")
        }
        for text in ["推荐一部好看的电影", "今天股市怎么样"] {
            let understanding = Self.engine.understand(text)
            #expect([.outOfScope, .smalltalk].contains(understanding.suggestion), "\(text)")
            #expect(understanding.signals.isEmpty, "\(text)")
        }
    }

    @Test(
        "A store's question the knowledge base has no word of goes to a person, never \"out of scope\"",
        arguments: ["门店空调坏了找谁修", "店里的灭火器过期了要换吗", "店长休假期间谁代班审批", "店铺招牌灯不亮了晚上没法营业"])
    func uncoveredStoreQuestion(text: String) {
        let understanding = Self.engine.understand(text)
        #expect(understanding.suggestion == .notCovered, "\(text): \(understanding.suggestion)")
    }

    @Test("Without a classifier, what the knowledge base cannot place stays out of scope (nothing reads chat)")
    func withoutClassifier() {
        let lexical = QuestionEngine(knowledgeBase: QuestionEngineTests.seed, lexicon: .standard(withClassifier: false))
        #expect(lexical.understand("推荐一部好看的电影，周末想看").suggestion == .outOfScope)
    }
}
