/// The places set by hand in `escalation.yaml`, which win over the WeCom directory: per associate, and
/// per department (for everyone whose main department it is).
public struct PlaceOverrides: Sendable, Equatable {
    /// By WeCom user id; wins over everything.
    public var users: [String: PlaceOverride]
    /// By WeCom department id.
    public var departments: [Int: PlaceOverride]

    public init(users: [String: PlaceOverride] = [:], departments: [Int: PlaceOverride] = [:]) {
        self.users = users
        self.departments = departments
    }

    /// No overrides: the directory decides.
    public static let none = PlaceOverrides()

    public var isEmpty: Bool { users.isEmpty && departments.isEmpty }
}
