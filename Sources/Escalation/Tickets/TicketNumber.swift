/// The number people say for a ticket: one sequence from 1001, never reused, written `#1001` wherever
/// people read it, a plain integer in JSON and bare digits in URLs.
public struct TicketNumber: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = value }

    /// The first number ever given.
    public static let first = TicketNumber(1001)

    /// `#1001`.
    public var description: String { "#\(rawValue)" }

    /// A number as people write it: `#1001`, `＃1001` or `1001`.
    public init?(text: some StringProtocol) {
        var digits = Substring(text)
        if let first = digits.first, first == "#" || first == "＃" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0 else {
            return nil
        }
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: TicketNumber, rhs: TicketNumber) -> Bool { lhs.rawValue < rhs.rawValue }
}
