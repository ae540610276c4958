import Foundation

extension EntryRanker {
    /// Whether entries can be patched into this ranker (`setEntry`): a centroid ranker can; a trained
    /// softmax would have to be retrained, which for the small knowledge bases that have one is quick.
    var isPatchable: Bool { softmax == nil }

    /// Puts an entry's phrasings in place of what the index held for it, moves it to `category`, or
    /// (with no phrasings) takes it out; an entry index one past the end adds an entry.
    ///
    /// Only the entry's own postings and its categories' sums change, in milliseconds. New words are
    /// weighted as rare ones (`TFIDFSpace.extend`); every other weight stays until the next full build.
    /// With a sentence model, `vectors` are the phrasings' sentence vectors, in order.
    mutating func setEntry(_ entry: Int, category: Int, phrasings: [String], vectors: [[Float]] = []) {
        precondition(isPatchable, "a trained ranker cannot be patched")
        precondition(entry <= entryCategory.count)
        if entry == entryCategory.count {
            entryIndex.appendGroup()
            denseEntries?.appendGroup()
            entryCategory.append(category)
            present.append(false)
        }
        if present[entry] {
            let oldCategory = entryCategory[entry]
            let oldSum = entryIndex.sums[entry]
            categoryIndex.replace(
                group: oldCategory, with: categoryIndex.sums[oldCategory].adding(oldSum, scale: -1))
            presentByCategory[oldCategory].removeAll { $0 == entry }
            // In place (optional chaining), not through a copy: the sums can be tens of megabytes.
            if let oldVectorSum = denseEntries?.sum(entry), let categorySum = denseCategories?.sum(oldCategory) {
                denseCategories?.replace(group: oldCategory, with: zip(categorySum, oldVectorSum).map { $0 - $1 })
                denseEntries?.replace(group: entry, with: [Float](repeating: 0, count: oldVectorSum.count))
            }
        }
        let analyses = phrasings.map(space.analyze)
        for analysis in analyses { space.extend(with: analysis) }
        let newSum = analyses.reduce(SparseVector()) { $0.adding(space.vector($1)) }
        entryIndex.replace(group: entry, with: newSum)
        entryCategory[entry] = category
        present[entry] = !phrasings.isEmpty
        guard !phrasings.isEmpty else { return }
        categoryIndex.replace(group: category, with: categoryIndex.sums[category].adding(newSum))
        if let dimension = denseEntries?.dimension, let categorySum = denseCategories?.sum(category) {
            precondition(vectors.count == phrasings.count, "a ranker with a sentence model needs the phrasings' vectors")
            let vectorSum = [Float].sum(vectors, dimension: dimension)
            denseEntries?.replace(group: entry, with: vectorSum)
            denseCategories?.replace(group: category, with: zip(categorySum, vectorSum).map { $0 + $1 })
        }
        let position = presentByCategory[category].firstIndex { $0 > entry } ?? presentByCategory[category].count
        presentByCategory[category].insert(entry, at: position)
    }
}
