import Foundation

/// Ranks knowledge-base entries for a question by TF-IDF cosine similarity over character
/// unigrams and bigrams (Latin words count as one character), against every phrasing of every
/// published entry.
///
/// Character n-grams need no word segmenter, which Chinese would otherwise require, and work on
/// two-character terms (调拨, 小票) that a trigram index cannot find.
public struct QuestionMatcher: Sendable {
    /// An entry and how similar its closest phrasing is to the question, in [0, 1].
    public struct Match: Sendable, Equatable {
        public var entryID: KnowledgeEntryID
        public var score: Double
    }

    private struct Posting: Sendable {
        var phrasing: Int
        var weight: Double
    }

    private let phrasingEntries: [KnowledgeEntryID]
    private let postings: [String: [Posting]]
    private let idf: [String: Double]

    public init(entries: [KnowledgeEntry]) {
        var phrasingEntries: [KnowledgeEntryID] = []
        var documents: [[String: Double]] = []
        for entry in entries where entry.status == .published {
            for phrasing in entry.phrasings {
                let counts = Self.termCounts(phrasing)
                guard !counts.isEmpty else { continue }
                phrasingEntries.append(entry.id)
                documents.append(counts)
            }
        }
        var documentFrequency: [String: Int] = [:]
        for document in documents {
            for term in document.keys { documentFrequency[term, default: 0] += 1 }
        }
        let total = Double(documents.count)
        let idf = documentFrequency.mapValues { log((1 + total) / (1 + Double($0))) + 1 }
        var postings: [String: [Posting]] = [:]
        for (index, document) in documents.enumerated() {
            let weighted = document.map { ($0.key, $0.value * idf[$0.key]!) }
            let norm = weighted.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            for (term, weight) in weighted {
                postings[term, default: []].append(Posting(phrasing: index, weight: weight / norm))
            }
        }
        self.phrasingEntries = phrasingEntries
        self.postings = postings
        self.idf = idf
    }

    /// Entries best first, each scored by its closest phrasing; at most `limit`.
    public func rank(_ question: String, limit: Int = 5) -> [Match] {
        let counts = Self.termCounts(question)
        // Terms the knowledge base has never seen carry no evidence for any entry, but they do
        // make the question different from every phrasing, so they count in the norm.
        let unseenIDF = log(1 + Double(phrasingEntries.count)) + 1
        let weighted = counts.map { ($0.key, $0.value * (idf[$0.key] ?? unseenIDF)) }
        let norm = weighted.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
        guard norm > 0 else { return [] }
        var phrasingScores: [Int: Double] = [:]
        for (term, weight) in weighted {
            for posting in postings[term] ?? [] {
                phrasingScores[posting.phrasing, default: 0] += weight / norm * posting.weight
            }
        }
        var best: [KnowledgeEntryID: Double] = [:]
        for (phrasing, score) in phrasingScores {
            let entry = phrasingEntries[phrasing]
            best[entry] = max(best[entry] ?? 0, min(score, 1))
        }
        return best.map { Match(entryID: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.entryID.rawValue < $1.entryID.rawValue }
            .prefix(limit).map { $0 }
    }

    /// Unigram and bigram counts of the normalised text.
    static func termCounts(_ text: String) -> [String: Double] {
        let tokens = TextNormalizer.tokens(text)
        var counts: [String: Double] = [:]
        for (index, token) in tokens.enumerated() {
            counts[token, default: 0] += 1
            if index + 1 < tokens.count {
                counts[token + "|" + tokens[index + 1], default: 0] += 1
            }
        }
        return counts
    }
}
