import Foundation
import Testing

@testable import Categories

@Suite("The question engine on the seed knowledge base")
struct QuestionEngineTests {
    static let seed = try! KnowledgeBase.load(fromDirectory: KnowledgeBaseTests.seedDirectory)
    static let engine = QuestionEngine(knowledgeBase: seed)

    private func top(_ text: String) -> String? { Self.engine.understand(text).candidates.first?.entry.id.rawValue }

    @Test("Tokens: Han characters, Latin words, numbers as one class; punctuation and emoji dropped")
    func tokens() {
        #expect(MatchFeatures.tokens("POS机收了12.5元😂！") == ["pos", "机", "收", "了", "#", "元"])
        #expect(MatchFeatures.tokens("ＥＲＰ密码") == ["erp", "密", "码"])
        #expect(MatchFeatures.counts("调拨调拨")["1调"] == 2)
        #expect(MatchFeatures.counts("调拨")["2调\u{1}拨"] == 1)
    }

    @Test("Every standard question is answered with its own entry")
    func standardQuestions() {
        for entry in Self.seed.entries {
            let understanding = Self.engine.understand(entry.question)
            #expect(understanding.candidates.first?.entry.id == entry.id, "\(entry.question)")
            #expect(understanding.suggestion == .answer, "\(entry.question)")
        }
    }

    @Test(
        "Real typing: very short, emoji, full-width, mixed English, a typo — the right entry comes first and nothing wrong is answered",
        arguments: [
            ("调拨单在哪查", "logistics-001"),
            ("调拨单在哪查？？😂", "logistics-001"),
            ("ＰＯＳ机打不出小票", "system-001"),
            ("pos机小票打不出来了", "system-001"),
            ("ERP密码忘了咋办", "system-004"),
            ("扫码枪扫不出来条码", "system-003"),
            ("调拔单在哪查", "logistics-001"),  // 拔 for 拨
            ("SKU库存去哪查别的店有没有", "system-006"),
            ("顾客要开发票", "order-005"),
        ])
    func realTyping(text: String, expected: String) {
        let understanding = Self.engine.understand(text)
        #expect(understanding.candidates.first?.entry.id.rawValue == expected)
        #expect(understanding.suggestion != .answer || understanding.candidates.first?.entry.id.rawValue == expected)
    }

    @Test(
        "Off-topic lines and chit-chat are never answered with an entry",
        arguments: ["明天北京会下雨吗", "给我讲个笑话", "周杰伦的新歌叫什么", "今天股市怎么样"])
    func offTopic(text: String) {
        #expect(Self.engine.understand(text).suggestion != .answer)
    }

    @Test("Greetings, thanks and acknowledgements are small talk with no category", arguments: ["你好", "谢谢啦", "好的收到", "👍"])
    func smalltalk(text: String) {
        let understanding = Self.engine.understand(text)
        #expect(understanding.suggestion == .smalltalk)
        #expect(understanding.category == nil)
        #expect(understanding.signals.isEmpty)
    }

    @Test("A request for a person, a complaint, urgency or a regional matter is reported beside the match, keeping the category")
    func signalsReported() {
        let human = Self.engine.understand("调拨单在哪查，转人工")
        #expect(human.signals == [.requestedHuman])
        #expect(human.category == "logistics")
        #expect(Self.engine.understand("收银机冒烟了，紧急").signals.contains(.urgent))
        #expect(Self.engine.understand("华东区的促销活动什么时候开始").signals == [.regional])
        #expect(Self.engine.understand("什么破系统，ERP又卡死了").signals.contains(.complaint))
    }

    @Test("Scores and confidence are in [0, 1]; at most five candidates, best first")
    func ranges() {
        let understanding = Self.engine.understand("小票打不出来")
        #expect(understanding.candidates.count == 5)
        #expect(understanding.candidates.allSatisfy { (0...1).contains($0.score) })
        #expect(zip(understanding.candidates, understanding.candidates.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect((0...1).contains(understanding.confidence))
    }

    @Test("Calibration comes from the knowledge base: every similar phrasing is held out once")
    func calibration() {
        let calibration = Self.engine.calibration
        #expect(calibration.positives == Self.seed.entries.reduce(0) { $0 + $1.similar.count })
        #expect(calibration.negatives == calibration.positives)
        #expect(calibration.heldOutTop1 > 0.5)
        #expect(calibration.heldOutRecall3 >= calibration.heldOutTop1)
        #expect((0...1).contains(calibration.answerThreshold))
    }

    @Test("A stricter precision for one category raises its threshold only")
    func perCategoryPrecision() {
        let strict = QuestionEngine(
            knowledgeBase: Self.seed, policy: MatchingPolicy(answerPrecisionByCategory: ["operations": 0.99]))
        let threshold = strict.calibration.answerThresholdByCategory["operations"]
        #expect(threshold != nil)
        #expect(threshold! >= strict.calibration.answerThreshold)
        #expect(strict.calibration.answerThresholdByCategory["order"] == nil)
    }

    @Test("Drafts are never offered, and an empty knowledge base answers nothing without failing")
    func draftsAndEmpty() throws {
        let category = Category(id: "order", name: "订单问题")
        let drafts = try KnowledgeBase(
            categories: [category],
            entries: [
                KnowledgeEntry(id: "d", category: "order", question: "草稿问题怎么处理", similar: ["草稿"], answer: "草稿", status: .draft)
            ])
        let understanding = QuestionEngine(knowledgeBase: drafts).understand("草稿问题怎么处理")
        #expect(understanding.candidates.isEmpty)
        #expect(understanding.suggestion != .answer)
        let empty = try KnowledgeBase(categories: [category], entries: [])
        #expect(QuestionEngine(knowledgeBase: empty).understand("调拨单在哪查").suggestion != .answer)
    }
}

extension QuestionEngineTests {
    @Test(
        "A short term of the knowledge base is offered suggestions, never called off-topic or answered",
        arguments: ["扫码", "积分", "排班", "解款"])
    func shortKnownTerms(term: String) {
        let understanding = Self.engine.understand(term)
        #expect(understanding.suggestion == .suggest)
        #expect(understanding.candidates.count >= 3)
    }

    @Test("Within a chosen category, every entry that shares a word with the question is offered, closest first")
    func closestInCategory() {
        let ranker = Self.engine.ranker
        for text in ["调拨单好", "发货慢", "小票", "盘点", "空调坏了", "会员积分"] {
            let q = ranker.space.vector(text)
            for category in Self.seed.categories {
                let sharing = Self.engine.entries.indices.filter { entry in
                    Self.engine.entries[entry].category == category.id && ranker.entryIndex.sums[entry].dot(q) > 0
                }
                let offered = Self.engine.closestEntries(to: text, in: category.id, limit: 3)
                #expect(offered.count == min(3, sharing.count), "\(text) in \(category.id)")
                #expect(offered.allSatisfy { $0.category == category.id })
            }
        }
    }

    @Test("An answer the calibrated confidence rates more likely wrong than right is not given (工服 is not 请假)")
    func neverGuesses() throws {
        let text = "员工工服怎么申请"
        let understanding = Self.engine.understand(text)
        #expect(understanding.confidence < 0.5)
        #expect(understanding.suggestion != .answer)
        // Without the floor the cumulative-precision threshold alone would have answered it.
        var policy = MatchingPolicy()
        policy.minimumAnswerConfidence = 0
        let guessing = QuestionEngine(knowledgeBase: Self.seed, policy: policy)
        #expect(guessing.understand(text).suggestion == .answer)
    }
}
