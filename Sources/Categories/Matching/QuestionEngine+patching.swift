import Foundation

extension QuestionEngine {
    /// The most entries one change may touch and still be patched in rather than rebuilt.
    static let maxPatchedEntries = 200

    /// `engine` brought up to `knowledgeBase` by patching the changed entries into its index, in
    /// milliseconds whatever the knowledge base's size; the calibration is kept (provisional) until a
    /// full build replaces it.
    ///
    /// Nil when patching does not apply, and a provisional engine must be built instead
    /// (`init(knowledgeBase:reusingCalibrationOf:)`): the ranker is a trained one (small knowledge
    /// bases, retrained in a fraction of a second), categories or synonyms changed, or more than
    /// `maxPatchedEntries` entries did. A new entry takes the next place after the existing ones, so
    /// among exactly tied scores it comes last until the full build.
    public init?(patching engine: QuestionEngine, to knowledgeBase: KnowledgeBase) {
        guard engine.ranker.isPatchable, knowledgeBase.categories.map(\.id) == engine.categoryIDs,
            knowledgeBase.synonyms == engine.knowledgeBase.synonyms
        else { return nil }
        var placeOf: [KnowledgeEntryID: Int] = [:]
        for (place, entry) in engine.entries.enumerated() where engine.ranker.present[place] { placeOf[entry.id] = place }

        var entries = engine.entries
        var changed: [Int] = []
        var kept = Set<Int>()
        for entry in knowledgeBase.publishedEntries {
            if let place = placeOf[entry.id] {
                kept.insert(place)
                if entries[place].category != entry.category || entries[place].phrasings != entry.phrasings {
                    changed.append(place)
                }
                entries[place] = entry  // an edited answer is live at once, whatever else changed
            } else {
                changed.append(entries.count)
                entries.append(entry)
            }
        }
        let removed = placeOf.values.filter { !kept.contains($0) }
        guard changed.count + removed.count <= Self.maxPatchedEntries else { return nil }

        var ranker = engine.ranker
        for place in changed {
            let entry = entries[place]
            guard let category = engine.categoryIDs.firstIndex(of: entry.category) else { return nil }
            let vectors = engine.embedder?.embedKnowledge(entry.phrasings.map(ChineseScript.fold)) ?? []
            ranker.setEntry(place, category: category, phrasings: entry.phrasings, vectors: vectors)
        }
        for place in removed {
            ranker.setEntry(place, category: ranker.entryCategory[place], phrasings: [])
        }
        self = engine
        self.knowledgeBase = knowledgeBase
        self.entries = entries
        self.entryCategory = ranker.entryCategory
        self.ranker = ranker
        self.calibration.markProvisional(changed: changed.count + removed.count, total: knowledgeBase.publishedEntries.count)
    }
}
