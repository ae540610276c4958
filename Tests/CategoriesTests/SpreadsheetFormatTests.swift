import Testing

@testable import Categories

@Suite("Spreadsheet (CSV) format")
struct SpreadsheetFormatTests {
    @Test("Categories with keywords split on | and line breaks; header names are case- and space-insensitive")
    func categories() throws {
        let rows = try SpreadsheetFormat.categories(
            fromCSV: " ID ,Name,keywords,team\nhr,人事问题,\"请假|工资\n社保\",hr-support\nit,IT 问题,,\n")
        #expect(rows.map(\.line) == [2, 3])
        #expect(rows[0].record == Category(id: "hr", name: "人事问题", keywords: ["请假", "工资", "社保"], team: "hr-support"))
        #expect(rows[1].record.team == nil)
    }

    @Test("An unknown status names its line")
    func badStatus() {
        #expect(throws: KnowledgeBaseError(line: 2, message: "status must be draft or published, not \"live\"")) {
            try SpreadsheetFormat.entries(fromCSV: "id,category,question,similar,answer,status\na,b,c,d,e,live\n")
        }
    }
}
