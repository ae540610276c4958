import Testing

@testable import Categories

@Suite("Synonyms")
struct SynonymTests {
    let map = SynonymMap([
        SynonymGroup(id: "receipt", terms: ["小票", "收银条", "购物小票"]),
        SynonymGroup(id: "pos", terms: ["收银机", "POS机", "pos"]),
    ])

    @Test("Variants read as the first term, longest variant first, after width and case folding")
    func apply() {
        #expect(map.apply("购物小票丢了") == "小票丢了")
        #expect(map.apply("收银条打不出来") == "小票打不出来")
        #expect(map.apply("ＰＯＳ机死机了") == "收银机死机了")
        #expect(map.apply("pos打不开") == "收银机打不开")
        #expect(map.apply("收银机") == "收银机")
    }

    @Test("A question in the variants' words finds the entry written in the canonical ones")
    func matching() throws {
        let knowledgeBase = try KnowledgeBase(
            categories: [Category(id: "system", name: "系统使用问题")],
            entries: [
                KnowledgeEntry(id: "a", category: "system", question: "收银机打不出小票", similar: ["小票机不出纸", "小票打印不出来"], answer: "A"),
                KnowledgeEntry(id: "b", category: "system", question: "ERP密码忘了", similar: ["ERP登录不上", "忘记ERP密码"], answer: "B"),
                KnowledgeEntry(id: "c", category: "system", question: "扫码枪没反应", similar: ["扫描枪坏了", "扫码器不亮"], answer: "C"),
            ],
            synonyms: [SynonymGroup(id: "receipt", terms: ["小票", "收银条"]), SynonymGroup(id: "pos", terms: ["收银机", "POS"])])
        let understanding = QuestionEngine(knowledgeBase: knowledgeBase).understand("POS打不出收银条")
        #expect(understanding.candidates.first?.entry.id == "a")
    }
}
