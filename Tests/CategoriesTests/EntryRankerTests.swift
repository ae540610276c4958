import Foundation
import Testing

@testable import Categories

/// The inverted-index ranker of knowledge bases too large to train a softmax on: it must rank exactly
/// as a brute-force pass over every centroid would, and its held-out scoring must equal scoring
/// against sums with the held-out part really taken out.
@Suite("Ranking a large knowledge base through inverted indexes")
struct EntryRankerTests {
    /// 400 entries of four phrasings each: a distinct pair of topic words in question forms, four categories.
    static let knowledgeBase: KnowledgeBase = {
        let words = [
            "调拨", "小票", "收银", "退货", "库存", "排班", "盘点", "会员", "积分", "发票", "补货", "价签", "快递", "门禁",
            "空调", "冷柜", "押金", "工服", "陈列", "促销", "报损", "赠品", "对账", "考勤", "耗材", "外卖", "监控", "网络", "水电", "保洁",
        ]
        let forms = ["{a}{b}怎么办", "{a}的{b}在哪查", "怎么处理{a}{b}", "{a}{b}找谁", "{b}{a}了怎么弄", "请问{a}{b}怎么操作"]
        let categories = (0..<4).map { Category(id: CategoryID(rawValue: "c\($0)"), name: "类别\($0)") }
        var pairs: [(String, String)] = []
        for (i, a) in words.enumerated() { for b in words[(i + 1)...] { pairs.append((a, b)) } }
        let entries = (0..<400).map { index -> KnowledgeEntry in
            let (a, b) = pairs[(index * 7) % pairs.count]
            let texts = (0..<4).map { slot in
                forms[(index + slot) % forms.count].replacingOccurrences(of: "{a}", with: a)
                    .replacingOccurrences(of: "{b}", with: b)
            }
            return KnowledgeEntry(
                id: KnowledgeEntryID(rawValue: "e\(index)"), category: categories[index % 4].id, question: texts[0],
                similar: Array(texts.dropFirst()), answer: "答案\(index)")
        }
        return try! KnowledgeBase(categories: categories, entries: entries)
    }()

    static let phrasings: [(text: String, entry: Int)] = knowledgeBase.entries.enumerated().flatMap { index, entry in
        entry.phrasings.map { ($0, index) }
    }

    static let ranker: EntryRanker = {
        let entryCategory = knowledgeBase.entries.map { entry in
            knowledgeBase.categories.firstIndex { $0.id == entry.category }!
        }
        return EntryRanker(
            phrasings: phrasings.map { (TFIDFSpace.analyze($0.text, synonyms: SynonymMap([])), $0.entry, nil) },
            entryCategory: entryCategory, categoryCount: 4, synonyms: SynonymMap([]))
    }()

    /// Every entry scored from its centroid, the slow and obvious way, best first.
    static func bruteForce(
        _ text: String, entrySums: [SparseVector], categorySums: [SparseVector], excluding excluded: Int? = nil
    ) -> [(entry: Int, fused: Double)] {
        let q = ranker.space.vector(text)
        func cosine(_ sum: SparseVector) -> Double {
            let norm = sum.squaredNorm.squareRoot()
            return norm > 1e-6 ? q.dot(sum) / norm : 0
        }
        let categorySimilarity = categorySums.map(cosine)
        return entrySums.indices.filter { $0 != excluded }.map { entry in
            (entry, 4 * categorySimilarity[ranker.entryCategory[entry]] + 2 * cosine(entrySums[entry]))
        }.sorted { $0.fused != $1.fused ? $0.fused > $1.fused : $0.entry < $1.entry }
    }

    static func subtract(_ a: SparseVector, _ b: SparseVector) -> SparseVector {
        var values: [Int32: Double] = [:]
        for (index, value) in zip(a.indices, a.values) { values[index, default: 0] += value }
        for (index, value) in zip(b.indices, b.values) { values[index, default: 0] -= value }
        let kept = values.filter { abs($0.value) > 1e-12 }.keys.sorted()
        return SparseVector(indices: kept, values: kept.map { values[$0]! })
    }

    @Test("Without a softmax, the indexed top five equal a brute-force pass over every centroid")
    func indexedEqualsBruteForce() {
        #expect(Self.ranker.softmax == nil)
        let questions = ["调拨小票怎么办", "请问盘点会员", "空调坏了", "门禁", "快递到了放哪", "今天天气不错", "排班的考勤在哪查"]
        for question in questions {
            let expected = Self.bruteForce(
                question, entrySums: Self.ranker.entryIndex.sums, categorySums: Self.ranker.categoryIndex.sums)
            let scored = Self.ranker.score(question)
            #expect(scored.top.map(\.entry) == expected.prefix(5).map(\.entry), "\(question)")
            for (got, want) in zip(scored.top, expected) {
                #expect(abs(got.fused - want.fused) < 1e-5, "\(question)")
            }
        }
    }

    @Test("Holding out a phrasing scores it as if its own entry's and category's sums lacked it")
    func heldOutPhrasing() {
        for (text, entry) in Self.phrasings.enumerated().filter({ $0.offset % 97 == 1 }).map(\.element) {
            let row = Self.ranker.space.vector(text)
            var entrySums = Self.ranker.entryIndex.sums
            var categorySums = Self.ranker.categoryIndex.sums
            let category = Self.ranker.entryCategory[entry]
            entrySums[entry] = Self.subtract(entrySums[entry], row)
            categorySums[category] = Self.subtract(categorySums[category], row)
            let expected = Self.bruteForce(text, entrySums: entrySums, categorySums: categorySums)
            let scored = Self.ranker.score(text, holdingOut: .phrasing(ofEntry: entry))
            #expect(scored.top.map(\.entry) == expected.prefix(5).map(\.entry), "\(text)")
            #expect(abs(scored.features.topScore - expected[0].fused) < 1e-5, "\(text)")
        }
    }

    @Test("Holding out an entry leaves it out of the ranking and out of its category's centroid")
    func heldOutEntry() {
        for entry in stride(from: 3, to: 400, by: 57) {
            let text = Self.knowledgeBase.entries[entry].similar[0]
            var categorySums = Self.ranker.categoryIndex.sums
            let category = Self.ranker.entryCategory[entry]
            categorySums[category] = Self.subtract(categorySums[category], Self.ranker.entryIndex.sums[entry])
            let expected = Self.bruteForce(
                text, entrySums: Self.ranker.entryIndex.sums, categorySums: categorySums, excluding: entry)
            let scored = Self.ranker.score(text, holdingOut: .entry(entry))
            #expect(!scored.top.contains { $0.entry == entry })
            #expect(scored.top.map(\.entry) == expected.prefix(5).map(\.entry), "\(text)")
        }
    }

    @Test("A large knowledge base is calibrated on held-out phrasings and answers a question in new words")
    func largeKnowledgeBaseCalibrates() {
        let engine = QuestionEngine(knowledgeBase: Self.knowledgeBase)
        #expect(!engine.isProvisional)
        #expect(engine.calibration.positives == 1_200)
        #expect(engine.calibration.heldOutTop1 > 0.9)
        #expect(engine.calibration.answerThreshold < 1)
        let entry = Self.knowledgeBase.entries[42]
        let understanding = engine.understand("麻烦问下" + entry.question + "呀")
        #expect(understanding.candidates.first?.entry.id == entry.id)
        #expect(understanding.suggestion == .answer)
        #expect(engine.understand("今天天气怎么样").suggestion != .answer)
    }

    @Test("An entry added twice by mistake does not make the bot stop answering")
    func duplicateEntry() throws {
        let seed = QuestionEngineTests.seed
        var entries = seed.entries
        var copy = entries[0]
        copy.id = KnowledgeEntryID(rawValue: "copy-of-\(copy.id.rawValue)")
        entries.append(copy)
        let engine = QuestionEngine(knowledgeBase: try KnowledgeBase(categories: seed.categories, entries: entries))
        #expect(engine.calibration.answerThreshold < 1)
        #expect(engine.understand(seed.entries[5].question).suggestion == .answer)
    }
}
