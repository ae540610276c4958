import Foundation

extension RoutingTable {
    /// The agent an agent means by `text` in "#1001 转 hq_amy": a user id the file names, whatever its case.
    public func agent(named text: String) -> String? {
        let wanted = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !wanted.isEmpty else { return nil }
        return teams.lazy.flatMap { $0.everyone }.first { $0.lowercased() == wanted }
    }
}
