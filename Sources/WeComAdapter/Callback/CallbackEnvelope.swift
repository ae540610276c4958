import Foundation

/// The outer XML of a callback POST: `<xml><ToUserName/><AgentID/><Encrypt/></xml>`.
///
/// Only `Encrypt` is signed; the other fields are informational.
public struct CallbackEnvelope: Sendable, Equatable {
    /// The CorpID the callback is addressed to.
    public var toUserName: String?
    /// The app's AgentID, present on app callbacks.
    public var agentID: String?
    /// The Base64 ciphertext that the signature covers.
    public var encrypted: String

    public init(toUserName: String? = nil, agentID: String? = nil, encrypted: String) {
        self.toUserName = toUserName
        self.agentID = agentID
        self.encrypted = encrypted
    }

    /// Reads the envelope from a POST body.
    public init(xml: Data) throws(WeComDecodingError) {
        let fields = try XMLFields.parse(xml)
        guard let encrypted = fields["Encrypt"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !encrypted.isEmpty
        else { throw .missingField("Encrypt") }
        self.init(toUserName: fields["ToUserName"], agentID: fields["AgentID"], encrypted: encrypted)
    }
}
