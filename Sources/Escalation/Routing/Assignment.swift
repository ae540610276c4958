/// Who in a team takes a new ticket. Pure: the caller says who is available and how loaded each agent is.
public enum Assignment {
    /// The member to assign, or nil when none is available (the ticket then waits in the team's queue).
    ///
    /// Candidates are the members who are available; the lead only when the team has no members, since a
    /// lead watches the queue rather than working it. Among them, whoever handled `store` in the last 7
    /// days (`recentStores`, user id → stores) is preferred: they know its people and its history. Then
    /// the fewest open tickets (`openTickets`, user id → count; missing is 0), then the file's order.
    public static func chooseMember(
        of team: Team, openTickets: [String: Int], recentStores: [String: Set<String>], store: String?,
        isAvailable: (String) -> Bool
    ) -> String? {
        var seen = Set<String>()
        let pool = (team.members.isEmpty ? [team.lead].compactMap { $0 } : team.members)
            .filter { seen.insert($0).inserted && isAvailable($0) }
        let familiar = store.map { store in pool.filter { recentStores[$0]?.contains(store) == true } } ?? []
        let candidates = familiar.isEmpty ? pool : familiar
        // `min(by:)` keeps the first of equal elements, so ties go to the earlier member in the file.
        return candidates.enumerated().min { lhs, rhs in
            (openTickets[lhs.element] ?? 0, lhs.offset) < (openTickets[rhs.element] ?? 0, rhs.offset)
        }?.element
    }
}
