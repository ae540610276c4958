/// An update of a sent interactive card that greys out its buttons and shows `replaceName` instead
/// (`POST /cgi-bin/message/update_template_card` with `button.replace_name`).
///
/// `responseCode` comes from `message/send` of the card (`MessageSendResult.responseCode`) or from a
/// click on it (`TemplateCardEvent.responseCode`); each code allows one update, for 24 hours.
///
/// ```swift
/// // Everyone who received ticket 4711's card now sees "张三已认领" and can no longer click.
/// let update = CardUpdate(responseCode: code, atAll: true, replaceName: "张三已认领")
/// try await client.updateTemplateCard(update)
/// ```
///
/// Codable in its own stable shape so that a durable outbox can store it and send it later.
public struct CardUpdate: Sendable, Equatable, Codable {
    /// The single-use code that allows this update.
    public var responseCode: String
    /// The recipients whose card changes (at most 1000); ignored when `atAll` is set.
    public var userIDs: [String]
    /// Every recipient of the card (`atall: 1`).
    public var atAll: Bool
    /// The label shown on the greyed-out button.
    public var replaceName: String

    public init(responseCode: String, userIDs: [String] = [], atAll: Bool = false, replaceName: String) {
        self.responseCode = responseCode
        self.userIDs = userIDs
        self.atAll = atAll
        self.replaceName = replaceName
    }

    /// How long WeCom accepts a response code (DOC-94888 as quoted by two SDKs; a 2025 copy says 72 h:
    /// the shorter is the safe one).
    public static let responseCodeLifetime: Duration = .seconds(24 * 3600)
}
