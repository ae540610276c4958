import Foundation
import Testing

@testable import Categories

/// An admin's edit to a large knowledge base goes into the live index by patching the entries it
/// touched, not by rebuilding: the next question sees it.
@Suite("Patching an edit into a large knowledge base's engine")
struct EnginePatchingTests {
    static let base = EntryRankerTests.knowledgeBase
    static let engine = QuestionEngine(knowledgeBase: base)

    static func edited(_ change: (inout [KnowledgeEntry]) -> Void) throws -> KnowledgeBase {
        var entries = base.entries
        change(&entries)
        return try KnowledgeBase(categories: base.categories, entries: entries)
    }

    @Test("A reworded entry, a new entry, an edited answer and a removed entry are all visible at once")
    func editsAreVisible() throws {
        let reworded = Self.base.entries[10]
        let removed = Self.base.entries[20]
        let changed = try Self.edited { entries in
            entries[10].similar.append("收银台旁边的蓝色机器连不上网")
            entries[11].answer = "新的答案"
            entries.removeAll { $0.id == removed.id }
            entries.append(
                KnowledgeEntry(
                    id: "new-entry", category: Self.base.categories[1].id, question: "仓库钥匙丢了找谁配", answer: "找店长"))
        }
        let patched = try #require(QuestionEngine(patching: Self.engine, to: changed))
        #expect(patched.isProvisional)
        #expect(patched.understand("收银台旁边的蓝色机器连不上网").candidates.first?.entry.id == reworded.id)
        let added = patched.understand("仓库钥匙丢了找谁配")
        #expect(added.candidates.first?.entry.id == "new-entry")
        #expect(added.candidates.first?.entry.answer == "找店长")
        #expect(patched.understand(Self.base.entries[11].question).candidates.first?.entry.answer == "新的答案")
        for phrasing in removed.phrasings {
            #expect(!patched.understand(phrasing).candidates.contains { $0.entry.id == removed.id })
        }
        // The engine it came from is untouched.
        #expect(Self.engine.understand("仓库钥匙丢了找谁配").candidates.first?.entry.id != "new-entry")
        #expect(!Self.engine.isProvisional)
    }

    @Test("After patches, every category's sum is still the sum of its entries, and the postings match the sums")
    func indexStaysConsistent() throws {
        let changed = try Self.edited { entries in
            entries[3].category = Self.base.categories[2].id  // moved to another category
            entries[4].similar = ["盘点机没电了怎么办"]
            entries.remove(at: 5)
        }
        let ranker = try #require(QuestionEngine(patching: Self.engine, to: changed)).ranker
        for category in 0..<ranker.categoryIndex.groupCount {
            let expected = ranker.presentByCategory[category].reduce(SparseVector()) {
                $0.adding(ranker.entryIndex.sums[$1])
            }
            let difference = ranker.categoryIndex.sums[category].adding(expected, scale: -1)
            #expect(difference.values.allSatisfy { abs($0) < 1e-9 }, "category \(category)")
        }
        for entry in [3, 4, 5, 6] {
            let sum = ranker.entryIndex.sums[entry]
            for (feature, value) in zip(sum.indices, sum.values) {
                let posting = ranker.entryIndex.postings[Int(feature)].first { $0.group == Int32(entry) }
                #expect(posting.map { abs(Double($0.value) - value) < 1e-6 } == true)
            }
        }
        #expect(ranker.presentByCategory[2].contains(3))
        #expect(!ranker.present[5])
    }

    @Test("Small knowledge bases (a trained ranker), and changes to categories, are rebuilt instead")
    func notPatchable() throws {
        let seed = QuestionEngineTests.seed
        #expect(QuestionEngine(patching: QuestionEngineTests.engine, to: seed) == nil)
        let moreCategories = try KnowledgeBase(
            categories: Self.base.categories + [Category(id: "extra", name: "新类别")], entries: Self.base.entries)
        #expect(QuestionEngine(patching: Self.engine, to: moreCategories) == nil)
    }
}

@Suite("Calibration after large changes")
struct StaleCalibrationTests {
    @Test("A small edit keeps answering on the earlier calibration; a large change suggests until recalibrated")
    func staleThresholdsDoNotAnswer() throws {
        let seed = QuestionEngineTests.seed
        let engine = QuestionEngineTests.engine
        var edited = seed.entries
        edited[0].similar.append("自提订单要怎么核销")
        let small = QuestionEngine(
            knowledgeBase: try KnowledgeBase(categories: seed.categories, entries: edited), reusingCalibrationOf: engine)
        #expect(small.calibration.state == .provisional)
        #expect(small.understand(seed.entries[3].question).suggestion == .answer)

        let renamed = seed.entries.map { entry in
            var entry = entry
            entry.id = KnowledgeEntryID(rawValue: "new-" + entry.id.rawValue)
            return entry
        }
        let large = QuestionEngine(
            knowledgeBase: try KnowledgeBase(categories: seed.categories, entries: renamed), reusingCalibrationOf: engine)
        #expect(large.calibration.state == .conservative)
        for entry in renamed.prefix(12) {
            #expect(large.understand(entry.question).suggestion != .answer, "\(entry.question)")
        }
        // Small edits after a large one stay conservative until a full calibration.
        #expect(
            QuestionEngine(knowledgeBase: large.knowledgeBase, reusingCalibrationOf: large).calibration.state == .conservative)
    }
}
