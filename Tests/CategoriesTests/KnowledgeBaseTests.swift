import Foundation
import Testing

@testable import Categories

@Suite("Loading the knowledge base")
struct KnowledgeBaseTests {
    static let seedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")

    @Test("The shipped seed: the four buckets, at least 40 published entries, each with 3+ phrasings and an answer")
    func seed() throws {
        let knowledgeBase = try KnowledgeBase.load(fromDirectory: Self.seedDirectory)
        #expect(knowledgeBase.categories.map(\.id) == ["order", "logistics", "system", "operations"])
        #expect(knowledgeBase.categories.map(\.name) == ["订单问题", "物流问题", "系统使用问题", "营运问题"])
        #expect(knowledgeBase.publishedEntries.count >= 40)
        for category in knowledgeBase.categories {
            #expect(knowledgeBase.entries.filter { $0.category == category.id }.count >= 10, "\(category.id)")
        }
        for entry in knowledgeBase.entries {
            #expect(entry.similar.count >= 3, "\(entry.id)")
            #expect(!entry.answer.isEmpty, "\(entry.id)")
        }
    }

    @Test("JSON lines: blank lines are skipped; the first bad line is named")
    func jsonLines() throws {
        let good = Data(
            """
            {"id":"a","category":"order","question":"q","answer":"x"}

            {"id":"b","category":"order","question":"q2","similar":["s"],"answer":"y","status":"draft","extra":1}
            """.utf8)
        let entries = try JSONLines.decode(KnowledgeEntry.self, from: good)
        #expect(entries.map(\.id) == ["a", "b"])
        #expect(entries[1].status == .draft)
        #expect(entries[0].status == .published)

        let missing = Data(
            """
            {"id":"a","category":"order","question":"q","answer":"x"}
            {"id":"b","category":"order","question":"q2"}
            """.utf8)
        #expect(throws: KnowledgeBaseError(line: 2, message: "missing \"answer\"")) {
            try JSONLines.decode(KnowledgeEntry.self, from: missing)
        }
        #expect(throws: KnowledgeBaseError(line: 1, message: "invalid JSON")) {
            try JSONLines.decode(KnowledgeEntry.self, from: Data("{not json".utf8))
        }
    }

    @Test("An entry in an unknown category, or a repeated id, is refused with its line")
    func validation() {
        let order = Category(id: "order", name: "订单问题")
        #expect(throws: KnowledgeBaseError.self) {
            try KnowledgeBase(
                categories: [order], entries: [KnowledgeEntry(id: "x", category: "nope", question: "q", answer: "a")])
        }
        #expect(throws: KnowledgeBaseError(line: 2, message: "duplicate entry id x")) {
            try KnowledgeBase(
                categories: [order],
                entries: [
                    KnowledgeEntry(id: "x", category: "order", question: "q", answer: "a"),
                    KnowledgeEntry(id: "x", category: "order", question: "q2", answer: "b"),
                ])
        }
    }
}

@Suite("Regional answers")
struct RegionalAnswerTests {
    let entry = KnowledgeEntry(
        id: "e", category: "operations", question: "营业时间", answer: "通用答案",
        regionAnswers: ["华南区": "华南答案", "华东": "华东答案"])

    @Test("A region's own answer, matched by name or by the start of the name; the common one otherwise")
    func variants() {
        #expect(entry.answer(forRegion: "华南区") == "华南答案")
        #expect(entry.answer(forRegion: "华东区") == "华东答案")
        #expect(entry.answer(forRegion: "华北区") == "通用答案")
        #expect(entry.answer(forRegion: nil) == "通用答案")
    }
}
