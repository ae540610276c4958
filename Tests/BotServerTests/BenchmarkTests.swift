import Categories
import Testing

@testable import BotServer

@Suite("The generated knowledge base of `bench`")
struct BenchmarkTests {
    @Test("Four phrasings an entry, the same for the same seed, and questions it can rank")
    func generated() throws {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let knowledgeBase = try SyntheticKnowledge.make(phrasings: 400, using: &first)
        #expect(knowledgeBase.entries.count == 100)
        #expect(knowledgeBase.entries.allSatisfy { $0.phrasings.count == 4 })
        #expect(try SyntheticKnowledge.make(phrasings: 400, using: &second) == knowledgeBase)
        let question = SyntheticKnowledge.question(from: knowledgeBase, using: &first)
        let engine = QuestionEngine(knowledgeBase: knowledgeBase)
        let best = try #require(engine.understand(question).candidates.first?.entry)
        #expect(question.contains(best.question))
    }
}
