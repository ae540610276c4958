import Foundation
import Testing

@testable import Categories

/// The lexicon overrides the classifier both ways: an admin's phrase forces its signal on, a `not`
/// phrase forces it off.
@Suite("The lexicon as the admin's override of the intent classifier")
struct SignalOverrideTests {
    static let classifier = IntentClassifierTests.classifier

    static func detector(_ additions: SignalLexicon = .empty) -> SignalDetector {
        SignalDetector(lexicon: SignalLexicon.standard(withClassifier: true).merging(additions), intents: classifier)
    }

    @Test("A phrase the classifier does not read forces its signal on")
    func forcedOn() {
        let text = "找老王看下调拨单"
        #expect(!Self.detector().signals(in: text).contains(.requestedHuman))
        let lexicon = SignalLexicon(
            requestedHuman: ["找老王"], complaint: [], notComplaint: [], urgent: ["冰柜温度"], regionalMarkers: [],
            places: ["大悦城"], smalltalk: [])
        let detector = Self.detector(lexicon)
        #expect(detector.signals(in: text).contains(.requestedHuman))
        #expect(detector.signals(in: "冰柜温度显示多少正常").contains(.urgent))
        #expect(detector.signals(in: "大悦城店的调拨单在哪查").contains(.regional))
    }

    @Test("A `not` phrase forces the classifier's signal off, and cuts it out of the lexicon's")
    func forcedOff() {
        let text = "我要找你们老板投诉"
        #expect(Self.detector().signals(in: text).contains(.complaint))
        let off = SignalLexicon(
            requestedHuman: ["找人工"], complaint: [], notComplaint: [], urgent: [], regionalMarkers: [], places: [],
            smalltalk: [], not: SignalExclusions(requestedHuman: ["人工"], complaint: ["老板投诉"]))
        let detector = Self.detector(off)
        #expect(!detector.signals(in: text).contains(.complaint))
        #expect(!detector.signals(in: "人工客服电话是多少").contains(.requestedHuman))
        // The lexicon's phrases are looked for with the `not` phrases cut out: 人工 is off inside 人工成本 only.
        let cut = SignalDetector(
            lexicon: SignalLexicon(
                requestedHuman: ["人工"], complaint: [], notComplaint: [], urgent: [], regionalMarkers: [], places: [],
                smalltalk: [], not: SignalExclusions(requestedHuman: ["人工成本"])))
        #expect(cut.signals(in: "人工成本怎么算").isEmpty)
        #expect(cut.signals(in: "人工成本怎么算，我要人工") == [.requestedHuman])
    }

    @Test("`not` forces small talk and off-topic off too")
    func chatOff() {
        let text = "早上好呀各位"
        #expect(Self.detector().read(text).chat == .smalltalk)
        let detector = Self.detector(
            SignalLexicon(
                requestedHuman: [], complaint: [], notComplaint: [], urgent: [], regionalMarkers: [], places: [], smalltalk: [],
                not: SignalExclusions(smalltalk: ["各位"], offTopic: ["电影"])))
        #expect(detector.read(text).chat == nil)
        #expect(!detector.isSmalltalk("你好各位"))
        #expect(detector.read("推荐一部好看的电影").chat != .offTopic)
    }

    @Test("Without the classifier the built-in lexicon decides, as before; `notComplaint` still counts")
    func lexiconAlone() {
        let detector = SignalDetector(lexicon: .standard)
        #expect(detector.signals(in: "人工成本怎么算") == [.requestedHuman])
        #expect(detector.signals(in: "顾客投诉怎么处理").isEmpty)
        #expect(detector.read("早上好呀各位").chat == nil)
        #expect(SignalLexicon.standard(withClassifier: false) == .standard)
        #expect(SignalLexicon.standard(withClassifier: true).requestedHuman == SignalLexicon.assured.requestedHuman)
        #expect(!SignalLexicon.assured.requestedHuman.contains("人工"))
        #expect(SignalLexicon.standard(withClassifier: true).smalltalk == SignalLexicon.standard.smalltalk)
    }

    @Test("`not` lists read from configuration, each optional, and merge")
    func decoding() throws {
        let json = #"{"requestedHuman": ["找老王"], "not": {"urgent": ["紧急补货"], "offTopic": ["世界杯促销"]}}"#
        let lexicon = try JSONDecoder().decode(SignalLexicon.self, from: Data(json.utf8))
        #expect(lexicon.requestedHuman == ["找老王"])
        #expect(lexicon.not == SignalExclusions(urgent: ["紧急补货"], offTopic: ["世界杯促销"]))
        let merged = SignalLexicon.standard.merging(lexicon)
        #expect(merged.not.urgent == ["紧急补货"])
        #expect(merged.notComplaint == SignalLexicon.standard.notComplaint)
        #expect(try JSONDecoder().decode(SignalLexicon.self, from: Data("{}".utf8)).not == .empty)
    }
}
