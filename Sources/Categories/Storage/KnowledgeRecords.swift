import Foundation
import GRDB

/// A category as stored: the domain fields plus its place in the export order and retirement.
struct CategoryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "category"

    var id: String
    var name: String
    var description: String
    var keywords: [String]
    var team: String?
    var alwaysPerson: Bool
    var retiredAt: Date?
    var position: Int

    enum CodingKeys: String, CodingKey {
        case id, name, description, keywords, team, position
        case retiredAt = "retired_at"
        case alwaysPerson = "always_person"
    }

    init(_ category: Category, position: Int) {
        id = category.id.rawValue
        name = category.name
        description = category.description
        keywords = category.keywords
        team = category.team
        alwaysPerson = category.alwaysPerson
        retiredAt = category.retiredAt
        self.position = position
    }

    var category: Category {
        Category(
            id: CategoryID(rawValue: id), name: name, description: description, keywords: keywords, team: team,
            alwaysPerson: alwaysPerson, retiredAt: retiredAt)
    }
}

/// An entry as stored, with its revision number and who changed it last.
struct KnowledgeEntryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "knowledge_entry"

    var id: String
    var category: String
    var question: String
    var similar: [String]
    var answer: String
    var status: String
    var regionAnswers: [String: String]
    var revision: Int
    var updatedAt: Date
    var updatedBy: String
    var position: Int

    enum CodingKeys: String, CodingKey {
        case id, category, question, similar, answer, status, revision, position
        case regionAnswers = "region_answers"
        case updatedAt = "updated_at"
        case updatedBy = "updated_by"
    }

    init(_ entry: KnowledgeEntry, revision: Int, updatedAt: Date, updatedBy: String, position: Int) {
        id = entry.id.rawValue
        category = entry.category.rawValue
        question = entry.question
        similar = entry.similar
        answer = entry.answer
        status = entry.status.rawValue
        regionAnswers = entry.regionAnswers
        self.revision = revision
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
        self.position = position
    }

    var entry: KnowledgeEntry {
        KnowledgeEntry(
            id: KnowledgeEntryID(rawValue: id), category: CategoryID(rawValue: category), question: question,
            similar: similar, answer: answer, status: KnowledgeEntry.Status(rawValue: status) ?? .draft,
            regionAnswers: regionAnswers)
    }
}

/// A synonym group as stored.
struct SynonymGroupRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "synonym_group"

    var id: String
    var terms: [String]
}
