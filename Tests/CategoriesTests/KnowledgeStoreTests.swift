import Foundation
import GRDB
import Testing

@testable import Categories

@Suite("The knowledge store")
struct KnowledgeStoreTests {
    private func makeStore() throws -> DatabaseKnowledgeStore {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        CategoriesSchema.registerMigrations(in: &migrator)
        try migrator.migrate(queue)
        return DatabaseKnowledgeStore(database: queue)
    }

    private func numbered<T>(_ records: [T]) -> [(line: Int, record: T)] {
        records.enumerated().map { ($0.offset + 1, $0.element) }
    }

    private let categories = [
        Category(id: "order", name: "订单问题"), Category(id: "logistics", name: "物流问题"),
    ]

    private func entry(_ id: String, _ category: CategoryID = "logistics", answer: String = "答案") -> KnowledgeEntry {
        KnowledgeEntry(
            id: KnowledgeEntryID(rawValue: id), category: category, question: "问题\(id)", similar: ["说法\(id)"], answer: answer)
    }

    @Test("Imports keep file order; each change is a revision, an unchanged line is not")
    func revisions() async throws {
        let store = try makeStore()
        #expect(try await store.isEmpty())
        #expect(try await store.importCategories(numbered(categories), mode: .merge, author: "seed") == 2)
        #expect(try await store.importEntries(numbered([entry("b"), entry("a")]), mode: .merge, author: "seed") == 2)
        #expect(try await store.knowledgeBase().entries.map(\.id) == ["b", "a"])
        _ = try await store.importEntries(numbered([entry("a", answer: "新答案"), entry("b")]), mode: .merge, author: "amy")
        let history = try await store.revisions(of: "a")
        #expect(history.map(\.revision) == [1, 2])
        #expect(history.last?.author == "amy")
        #expect(history.last?.entry?.answer == "新答案")
        #expect(try await store.revisions(of: "b").count == 1)
    }

    @Test("Replace removes what the file does not hold, and records the deletion")
    func replace() async throws {
        let store = try makeStore()
        _ = try await store.importCategories(numbered(categories), mode: .merge, author: "seed")
        _ = try await store.importEntries(numbered([entry("a"), entry("b")]), mode: .merge, author: "seed")
        _ = try await store.importEntries(numbered([entry("b")]), mode: .replace, author: "admin")
        #expect(try await store.knowledgeBase().entries.map(\.id) == ["b"])
        let history = try await store.revisions(of: "a")
        #expect(history.last?.change == .deleted)
        #expect(history.last?.entry == nil)
    }

    @Test("All or nothing: a bad line names itself and nothing changes")
    func allOrNothing() async throws {
        let store = try makeStore()
        _ = try await store.importCategories(numbered(categories), mode: .merge, author: "seed")
        let lines = numbered([entry("a"), entry("b", "nope"), entry("c")])
        await #expect(throws: KnowledgeStoreError(line: 2, "unknown category \"nope\"")) {
            try await store.importEntries(lines, mode: .merge, author: "admin")
        }
        var missing = entry("d")
        missing.answer = "  "
        await #expect(throws: KnowledgeStoreError(line: 1, "missing \"answer\"")) {
            try await store.importEntries([(1, missing)], mode: .merge, author: "admin")
        }
        await #expect(throws: KnowledgeStoreError(line: 2, "entry \"a\" appears twice")) {
            try await store.importEntries(numbered([entry("a"), entry("a")]), mode: .merge, author: "admin")
        }
        #expect(try await store.knowledgeBase().entries.isEmpty)
    }

    @Test("A category still used by remaining entries cannot be removed by a replace")
    func categoryInUse() async throws {
        let store = try makeStore()
        _ = try await store.importCategories(numbered(categories), mode: .merge, author: "seed")
        _ = try await store.importEntries(numbered([entry("a", "logistics")]), mode: .merge, author: "seed")
        await #expect(throws: KnowledgeStoreError.self) {
            try await store.importCategories(numbered([Category(id: "order", name: "订单问题")]), mode: .replace, author: "admin")
        }
        #expect(try await store.knowledgeBase().categories.count == 2)
        // Renaming through a merge keeps the id and its entries.
        _ = try await store.importCategories(numbered([Category(id: "logistics", name: "物流与配送")]), mode: .merge, author: "admin")
        #expect(try await store.knowledgeBase().category("logistics")?.name == "物流与配送")
    }

    @Test("Entries cannot be imported into a retired category")
    func retired() async throws {
        let store = try makeStore()
        var retired = Category(id: "old", name: "旧类别")
        retired.retiredAt = Date()
        _ = try await store.importCategories(numbered(categories + [retired]), mode: .merge, author: "seed")
        await #expect(throws: KnowledgeStoreError(line: 1, "category \"old\" is retired")) {
            try await store.importEntries(numbered([entry("a", "old")]), mode: .merge, author: "admin")
        }
    }

    @Test("Region answers and drafts survive the round trip")
    func roundTrip() async throws {
        let store = try makeStore()
        _ = try await store.importCategories(numbered(categories), mode: .merge, author: "seed")
        var regional = entry("a")
        regional.regionAnswers = ["华南区": "华南区请联系区域物流组"]
        regional.status = .draft
        _ = try await store.importEntries(numbered([regional]), mode: .merge, author: "seed")
        #expect(try await store.knowledgeBase().entries == [regional])
    }
}
