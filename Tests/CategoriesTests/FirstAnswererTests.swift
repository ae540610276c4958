import Foundation
import Testing

@testable import Categories

@Suite("The first answerer on the seed knowledge base")
struct FirstAnswererTests {
    static let answerer = FirstAnswerer(knowledgeBase: try! KnowledgeBase.load(fromDirectory: KnowledgeBaseTests.seedDirectory))

    private func answeredEntry(_ question: String) -> KnowledgeEntryID? {
        if case .answer(let entry, _) = Self.answerer.decide(question) { return entry.id }
        return nil
    }

    @Test("Every standard question and phrasing of the seed answers its own entry")
    func selfConsistent() {
        for entry in Self.answerer.knowledgeBase.entries {
            for phrasing in entry.phrasings {
                #expect(answeredEntry(phrasing) == entry.id, "\(phrasing)")
            }
        }
    }

    @Test(
        "Edge cases of real typing: punctuation, emoji, full-width letters, mixed English, short questions",
        arguments: [
            ("调拨单在哪查", "logistics-001"),
            ("调拨单在哪查？？😂", "logistics-001"),
            ("ＰＯＳ机打不出小票", "system-001"),
            ("pos机打不出小票了", "system-001"),
            ("ERP密码忘了咋重置", "system-004"),
            ("怎么发起调拨啊", "logistics-002"),
        ])
    func edgeCases(question: String, expected: String) {
        #expect(answeredEntry(question) == KnowledgeEntryID(rawValue: expected))
    }

    @Test(
        "Off-topic, chit-chat and bare greetings are not answered",
        arguments: ["明天北京会下雨吗", "给我讲个笑话", "你好", "谢谢", "周杰伦的新歌叫什么", "？？？"])
    func notAnswered(question: String) {
        #expect(answeredEntry(question) == nil)
    }

    @Test("A near-miss keeps its closest candidates for review")
    func candidates() {
        guard case .noConfidentAnswer(let candidates) = Self.answerer.decide("调拨") else {
            Issue.record("a bare 调拨 should not be answered with confidence")
            return
        }
        #expect(!candidates.isEmpty)
        #expect(candidates.contains { $0.entryID.rawValue.hasPrefix("logistics") })
        #expect(candidates.allSatisfy { (0...1).contains($0.score) })
    }

    @Test("Draft entries are never answered")
    func drafts() throws {
        let knowledgeBase = try KnowledgeBase(
            categories: [Category(id: "order", name: "订单问题")],
            entries: [KnowledgeEntry(id: "d", category: "order", question: "草稿问题怎么处理", answer: "草稿", status: .draft)])
        let answerer = FirstAnswerer(knowledgeBase: knowledgeBase)
        #expect(answerer.decide("草稿问题怎么处理") == .noConfidentAnswer(candidates: []))
    }
}
