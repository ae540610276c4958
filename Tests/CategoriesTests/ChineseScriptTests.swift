import Foundation
import Testing

@testable import Categories

@Suite("Traditional and simplified Chinese alike")
struct ChineseScriptTests {
    static let seed = QuestionEngineTests.seed
    static let engine = QuestionEngineTests.engine

    /// Every text of the seed knowledge base: questions, similar phrasings, answers.
    static var seedTexts: [String] { seed.entries.flatMap { $0.phrasings + [$0.answer] } }

    @Test("OpenCC's data is there")
    func available() {
        #expect(ChineseScript.unavailableReason == nil)
    }

    @Test(
        "Traditional folds to simplified, phrase by phrase",
        arguments: [
            ("會員積分怎麼查", "会员积分怎么查"),
            ("調撥單在哪查", "调拨单在哪查"),
            ("調撥單在哪裡查", "调拨单在哪里查"),  // Taiwan's 裡
            ("調撥單在哪裏查", "调拨单在哪里查"),  // Hong Kong's 裏
            ("轉人工", "转人工"),
            ("沒用", "没用"),
            ("跳過", "跳过"),
            ("不用了", "不用了"),
            ("POS機打不出小票！", "POS机打不出小票！"),
            // Phrases, not characters: 乾 alone is 干, but 乾隆 is a name; 頭髮 is 头发 although 髮 alone could be 发 or 髮.
            ("乾隆年間的頭髮", "乾隆年间的头发"),
            ("我不瞭解會員積分", "我不了解会员积分"),
        ])
    func fold(traditional: String, simplified: String) {
        #expect(ChineseScript.fold(traditional) == simplified)
        #expect(ChineseScript.fold(traditional).count == traditional.count)
    }

    @Test("Simplified text is left as it is: the whole seed knowledge base, the lexicon, the bot's commands")
    func simplifiedUnchanged() {
        let lexicon = SignalLexicon.standard
        let texts =
            Self.seedTexts + lexicon.requestedHuman + lexicon.complaint + lexicon.notComplaint + lexicon.urgent
            + lexicon.regionalMarkers + lexicon.smalltalk
            + ["跳过", "没用", "有用", "转人工", "不用了", "都不是", "新问题", "满意", "不满意", "没解决", "第2个", "", "1", "OK"]
        for text in texts {
            #expect(ChineseScript.fold(text) == text, "\(text)")
        }
        // Only a text with a character simplified writing does not use is converted: 瞭 and 覆 are
        // simplified characters too, so OpenCC's phrases 一目瞭然 → 一目了然 and 答覆 → 答复 apply only
        // inside traditional text (the test above).
        #expect(ChineseScript.fold("一目瞭然") == "一目瞭然")
        #expect(ChineseScript.fold("答覆") == "答覆")
    }

    @Test("Normalised text reads commands and replies to the bot written in traditional as in simplified")
    func normalized() {
        for (traditional, simplified) in [
            ("轉人工", "转人工"), ("沒用", "没用"), ("跳過", "跳过"), ("不用了", "不用了"), ("找總部的人！", "找总部的人"),
            ("沒有解決", "没有解决"), ("ＰＯＳ機打不出小票！！😭", "pos机打不出小票"),
        ] {
            #expect(TextNormalizer.normalize(traditional) == simplified)
        }
    }

    @Test("Matching tokenises traditional as simplified")
    func tokens() {
        #expect(MatchFeatures.tokens("會員積分12點") == MatchFeatures.tokens("会员积分12点"))
    }

    @Test("Which script a text is written in; nil when both write it alike")
    func script() {
        #expect(ChineseScript(of: "會員積分怎麼查") == .traditional)
        #expect(ChineseScript(of: "沒用") == .traditional)
        #expect(ChineseScript(of: "会员积分怎么查") == .simplified)
        #expect(ChineseScript(of: "没用") == .simplified)
        for neutral in ["1", "好的", "OK", "有用", "👍", ""] {
            #expect(ChineseScript(of: neutral) == nil, "\(neutral)")
        }
    }

    @Test("Simplified written in traditional, phrase by phrase; simplified unchanged")
    func writing() {
        #expect(ChineseScript.traditional.writing("会员积分怎么查") == "會員積分怎麼查")
        #expect(ChineseScript.traditional.writing("头发") == "頭髮")
        #expect(ChineseScript.traditional.writing("干净") == "乾淨")
        #expect(ChineseScript.simplified.writing("会员积分怎么查") == "会员积分怎么查")
        let answer = Self.seed.entries[0].answer
        #expect(ChineseScript.traditional.writing(answer).count == answer.count)
        #expect(ChineseScript(of: ChineseScript.traditional.writing(answer)) == .traditional)
    }

    @Test("Questions written in traditional are answered as in simplified")
    func understood() {
        let simplified = Self.engine.understand("会员积分怎么查")
        let traditional = Self.engine.understand("會員積分怎麼查")
        #expect(simplified.suggestion == .answer)
        #expect(traditional.suggestion == .answer)
        #expect(traditional.candidates.first?.entry.id == simplified.candidates.first?.entry.id)
        #expect(abs(traditional.confidence - simplified.confidence) < 0.01)

        let transfer = Self.engine.understand("調撥單在哪查")
        #expect(transfer.candidates.first?.entry.id.rawValue == "logistics-001")
        #expect(transfer.suggestion == Self.engine.understand("调拨单在哪查").suggestion)
        #expect(transfer.suggestion != .outOfScope)

        #expect(Self.engine.understand("我要轉人工").signals.contains(.requestedHuman))
        #expect(Self.engine.understand("謝謝").suggestion == .smalltalk)
        #expect(Self.engine.closestEntries(to: "調撥單", in: "logistics").first?.id.rawValue == "logistics-001")
    }

    @Test("Every seed phrasing written in traditional gets the entry and decision its simplified form gets")
    func seedInTraditional() {
        var largestGap = 0.0
        for entry in Self.seed.entries {
            for phrasing in entry.phrasings {
                let simplified = Self.engine.understand(phrasing)
                let traditional = Self.engine.understand(ChineseScript.traditional.writing(phrasing))
                #expect(traditional.candidates.first?.entry.id == simplified.candidates.first?.entry.id, "\(phrasing)")
                #expect(traditional.suggestion == simplified.suggestion, "\(phrasing)")
                largestGap = max(largestGap, abs(traditional.confidence - simplified.confidence))
            }
        }
        // OpenCC's round trip is not always exact (并 → 並 → 幷, 复盘 → 覆盤 → 覆盘): a character may differ.
        print("Seed phrasings in traditional: largest confidence gap \(largestGap)")
        #expect(largestGap < 0.1)
    }

    @Test("A knowledge base written in traditional answers simplified questions")
    func traditionalKnowledgeBase() throws {
        let traditionalSeed = try KnowledgeBase(
            categories: Self.seed.categories,
            entries: Self.seed.entries.map { entry in
                var entry = entry
                entry.question = ChineseScript.traditional.writing(entry.question)
                entry.similar = entry.similar.map(ChineseScript.traditional.writing)
                return entry
            }, synonyms: Self.seed.synonyms)
        let engine = QuestionEngine(knowledgeBase: traditionalSeed)
        let understanding = engine.understand("会员积分怎么查")
        #expect(understanding.suggestion == .answer)
        #expect(understanding.candidates.first?.entry.id == Self.engine.understand("会员积分怎么查").candidates.first?.entry.id)
    }

    @Test("Folding is fast: a scan for simplified text, microseconds for traditional, safe from many threads")
    func speed() async {
        let simplified = Self.seed.entries.flatMap(\.phrasings)
        let traditional = simplified.map(ChineseScript.traditional.writing)
        func microseconds(_ texts: [String], rounds: Int = 20) -> Double {
            let start = ContinuousClock.now
            for _ in 0..<rounds { for text in texts { _ = ChineseScript.fold(text) } }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds * 1e6 / Double(rounds * texts.count)
        }
        let simplifiedCost = microseconds(simplified)
        let traditionalCost = microseconds(traditional)
        print("ChineseScript.fold: \(simplifiedCost) µs a simplified phrasing, \(traditionalCost) µs a traditional one")
        // Generous bounds (a loaded CI machine): the measured figures are in README.
        #expect(simplifiedCost < 20)
        #expect(traditionalCost < 200)

        let expected = traditional.map(ChineseScript.fold)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { traditional.map(ChineseScript.fold) == expected }
            }
            for await same in group { #expect(same) }
        }
    }
}
