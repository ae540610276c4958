import Testing

@testable import Categories

@Suite("Normalising Chinese store-staff text")
struct TextNormalizerTests {
    @Test(
        "Full width, case, punctuation, emoji and spaces fold away",
        arguments: [
            ("ＰＯＳ机打不出小票！！😭", "pos机打不出小票"),
            ("调拨单在哪查？", "调拨单在哪查"),
            ("ERP 密码 忘了...", "erp密码忘了"),
            ("１２３件货到了", "123件货到了"),
            ("【急】SKU：A-1024 怎么查", "急skua1024怎么查"),
            ("👍👍👍", ""),
        ])
    func normalize(input: String, expected: String) {
        #expect(TextNormalizer.normalize(input) == expected)
    }
}
