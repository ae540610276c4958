import Escalation
import Foundation
import GRDB

/// `LeaderDirectory` on the directory cache (`directory_member.direct_leaders`).
struct DirectoryLeaders: LeaderDirectory {
    func directLeaders(of userID: String, in db: Database) throws -> [String] {
        try AssociatePlace.fetchOne(db, key: userID)?.directLeaders ?? []
    }
}
