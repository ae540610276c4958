import Escalation
import Foundation

extension PlaceOverrides {
    /// `place` as the directory gave it, corrected by the override of the member's main department (else
    /// their first department), when there is one. Applied when the directory is read, since the cached
    /// place does not keep the department.
    func applyingDepartment(of departmentID: Int?, to place: AssociatePlace) -> AssociatePlace {
        guard let departmentID, let override = departments[departmentID] else { return place }
        return override.applied(to: place)
    }

    /// The place of `userID` with their own override, which wins over everything; an associate the
    /// directory does not know (`place` nil) gets a place from the override alone.
    func applyingUser(_ userID: String, to place: AssociatePlace?, now: Date) -> AssociatePlace? {
        guard let override = users[userID] else { return place }
        return override.applied(to: place ?? AssociatePlace(userID: userID, fetchedAt: now))
    }
}

extension PlaceOverride {
    /// `place` with the store and region this override sets; what it leaves nil stays as it was.
    func applied(to place: AssociatePlace) -> AssociatePlace {
        var place = place
        if let store { place.store = store }
        if let region { place.region = region }
        return place
    }
}
