import Escalation
import WeComAdapter

extension Attachment {
    /// The picture, voice message or video of a member's message; nil for other messages and when WeCom
    /// gave no media id.
    init?(_ content: CallbackMessage.Content) {
        let kind: Kind
        let mediaID: String
        switch content {
        case .image(_, let id): (kind, mediaID) = (.image, id)
        case .voice(let id, _): (kind, mediaID) = (.voice, id)
        case .video(let id, _): (kind, mediaID) = (.video, id)
        default: return nil
        }
        guard !mediaID.isEmpty else { return nil }
        self.init(kind, mediaID: mediaID)
    }
}
