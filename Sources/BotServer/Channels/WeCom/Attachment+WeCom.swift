import Escalation
import WeComAdapter

extension Attachment {
    /// The media of a callback, nil when WeCom gave no media id.
    init?(_ kind: Kind, id mediaID: String) {
        guard !mediaID.isEmpty else { return nil }
        self.init(kind, mediaID: mediaID)
    }

    /// The attachment of a member's message, if it carries one.
    init?(_ content: CallbackMessage.Content) {
        switch content {
        case .image(_, let mediaID): self.init(.image, id: mediaID)
        case .voice(let mediaID, _): self.init(.voice, id: mediaID)
        case .video(let mediaID, _): self.init(.video, id: mediaID)
        default: return nil
        }
    }
}

extension OutgoingMessage.Body {
    /// The message that relays `attachment` by its media id.
    init(_ attachment: Attachment) {
        switch attachment.kind {
        case .image: self = .image(mediaID: attachment.mediaID)
        case .voice: self = .voice(mediaID: attachment.mediaID)
        case .video: self = .video(mediaID: attachment.mediaID)
        }
    }
}
