import Escalation
import WeComAdapter

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
