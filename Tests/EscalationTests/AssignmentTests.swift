import Testing

@testable import Escalation

/// Who in a team takes a new ticket.
@Suite("Assignment")
struct AssignmentTests {
    let team = Team(
        id: "south-ops", name: "华南区营运支持", members: ["hq_amy", "hq_bob", "hq_dan"], lead: "hq_cai",
        hours: .always)

    func choose(
        _ team: Team, open: [String: Int] = [:], recent: [String: Set<String>] = [:], store: String? = "广州天河店",
        away: Set<String> = []
    ) -> String? {
        Assignment.chooseMember(
            of: team, openTickets: open, recentStores: recent, store: store, isAvailable: { !away.contains($0) })
    }

    @Test("The fewest open tickets wins; ties go to the earlier member in the file")
    func fewestOpen() {
        #expect(choose(team) == "hq_amy")
        #expect(choose(team, open: ["hq_amy": 2, "hq_bob": 1, "hq_dan": 1]) == "hq_bob")
        #expect(choose(team, open: ["hq_amy": 1]) == "hq_bob")
    }

    @Test("Whoever handled the same store in the last 7 days is preferred, then the fewest open tickets")
    func sameStore() {
        let recent: [String: Set<String>] = ["hq_dan": ["广州天河店"], "hq_bob": ["广州天河店", "深圳南山店"]]
        #expect(choose(team, open: ["hq_bob": 3, "hq_dan": 1], recent: recent) == "hq_dan")
        #expect(choose(team, open: ["hq_bob": 0, "hq_dan": 1], recent: recent) == "hq_bob")
        // Another store: no one is familiar, so the load decides.
        #expect(choose(team, open: ["hq_amy": 1], recent: recent, store: "上海南京路店") == "hq_bob")
        #expect(choose(team, recent: recent, store: nil) == "hq_amy")
        // The familiar agent away: the others by load.
        #expect(choose(team, open: ["hq_amy": 1], recent: ["hq_dan": ["广州天河店"]], away: ["hq_dan"]) == "hq_bob")
    }

    @Test("Only available members; the lead only when the team has no members; nil when no one is there")
    func availability() {
        #expect(choose(team, away: ["hq_amy", "hq_bob"]) == "hq_dan")
        #expect(choose(team, away: ["hq_amy", "hq_bob", "hq_dan"]) == nil)  // not the lead
        let leadOnly = Team(id: "x", name: "X", lead: "hq_cai", hours: .always)
        #expect(choose(leadOnly) == "hq_cai")
        #expect(choose(leadOnly, away: ["hq_cai"]) == nil)
        #expect(choose(Team(id: "empty", name: "空", hours: .always)) == nil)
    }

    @Test("Everyone: members then the lead, each once")
    func everyone() {
        #expect(team.everyone == ["hq_amy", "hq_bob", "hq_dan", "hq_cai"])
        #expect(Team(id: "x", name: "X", members: ["a", "b", "a"], lead: "b", hours: .always).everyone == ["a", "b"])
    }
}
