import Escalation
import Foundation
import GRDB
import Logging
import WeComAdapter

/// Associate → store → region, from the WeCom directory, cached in the database.
///
/// A place is looked up when an associate's message is handled: from the cache when fresh, else from
/// WeCom (`user/get`, and `department/list` at most once per refresh interval for everyone). If WeCom
/// cannot be reached the last known place is used, or none: a missing region only means the default
/// answer, never a lost message.
///
/// The places set by hand in `escalation.yaml` win over the directory: a department's when the
/// directory is read (the cached place then keeps it), an associate's own on every answer, also for an
/// associate the directory does not know.
actor DirectoryCache {
    private let database: any DatabaseWriter
    private let lookup: (any DirectoryLookup)?
    private let settings: DirectorySettings
    private let logger: Logger
    private let overrides: PlaceOverrides
    private var departments: (list: [Int: WeComDepartment], fetchedAt: Date)?
    /// When a lookup last failed, per associate: WeCom is not asked again for a while, so that an outage
    /// does not add its retries to every message.
    private var failedAt: [String: Date] = [:]
    static let retryAfterFailure: TimeInterval = 5 * 60
    /// The places read or refreshed since start (this actor is their only writer): every message
    /// handled asks for one, and the table is read only once per associate.
    private var remembered: [String: AssociatePlace] = [:]

    init(
        database: any DatabaseWriter, lookup: (any DirectoryLookup)?, settings: DirectorySettings, logger: Logger,
        overrides: PlaceOverrides = .none
    ) {
        self.database = database
        self.lookup = lookup
        self.settings = settings
        self.logger = logger
        self.overrides = overrides
    }

    /// Where `userID` works, nil when neither the directory nor an override says (WeCom off, unknown member).
    func place(of userID: String, now: Date) async -> AssociatePlace? {
        overrides.applyingUser(userID, to: await directoryPlace(of: userID, now: now), now: now)
    }

    /// Where the directory (with the departments' overrides) places `userID`.
    private func directoryPlace(of userID: String, now: Date) async -> AssociatePlace? {
        let cached: AssociatePlace?
        if let remembered = remembered[userID] {
            cached = remembered
        } else {
            cached = try? await database.read { db in try AssociatePlace.fetchOne(db, key: userID) }
            if let cached { remembered[userID] = cached }
        }
        if let cached, now.timeIntervalSince(cached.fetchedAt) < settings.refreshInterval { return cached }
        guard let lookup else { return cached }
        if let failed = failedAt[userID], now.timeIntervalSince(failed) < Self.retryAfterFailure { return cached }
        do {
            let user = try await lookup.user(id: userID)
            var departments = try await departmentList(lookup, now: now)
            if let home = user.mainDepartment ?? user.departments.first, departments[home] == nil {
                // A department created since the list was read (a new store): read it again.
                departments = try await departmentList(lookup, now: now, refresh: true)
            }
            let place = overrides.applyingDepartment(
                of: user.mainDepartment ?? user.departments.first,
                to: Self.place(of: user, in: departments, settings: settings, now: now))
            try await database.write { db in try place.save(db) }
            remembered[userID] = place
            failedAt[userID] = nil
            logger.debug(
                "Directory entry refreshed",
                metadata: ["user": "\(userID)", "store": "\(place.store ?? "-")", "region": "\(place.region ?? "-")"])
            return place
        } catch {
            failedAt[userID] = now
            logger.warning(
                "Cannot read the WeCom directory; using the last known place",
                metadata: ["user": "\(userID)", "error": "\(error)", "cached": "\(cached != nil)"])
            return cached
        }
    }

    private func departmentList(
        _ lookup: any DirectoryLookup, now: Date, refresh: Bool = false
    ) async throws -> [Int: WeComDepartment] {
        if let departments, now.timeIntervalSince(departments.fetchedAt) < (refresh ? 60 : settings.refreshInterval) {
            return departments.list
        }
        let list = Dictionary(try await lookup.departments(rootID: nil).map { ($0.id, $0) }) { first, _ in first }
        departments = (list, now)
        return list
    }

    /// The store is the member's main department (else their first); the region is the nearest
    /// department at or above it whose name ends with one of `regionNameSuffixes` (华东区).
    static func place(
        of user: WeComUser, in departments: [Int: WeComDepartment], settings: DirectorySettings, now: Date
    ) -> AssociatePlace {
        let home = (user.mainDepartment ?? user.departments.first).flatMap { departments[$0] }
        var region: String?
        var current = home
        var seen = Set<Int>()
        while let department = current, seen.insert(department.id).inserted {
            if settings.regionNameSuffixes.contains(where: { department.name.hasSuffix($0) }) {
                region = department.name
                break
            }
            current = departments[department.parentID]
        }
        return AssociatePlace(
            userID: user.userID, name: user.name, store: home?.name, region: region, directLeaders: user.directLeaders,
            fetchedAt: now)
    }
}
