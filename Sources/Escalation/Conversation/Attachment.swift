/// A picture, voice message or video that a person sent through the channel, by the channel's id for it,
/// so that it can be relayed as it is (WeCom: a media id the app received, valid three days).
public struct Attachment: Sendable, Equatable, Hashable {
    /// What the media is.
    public enum Kind: String, Sendable, CaseIterable {
        /// A picture.
        case image
        /// A voice message (WeCom's are AMR).
        case voice
        /// A video.
        case video

        /// How a transcript and its readers name it.
        public var label: String {
            switch self {
            case .image: "图片"
            case .voice: "语音"
            case .video: "视频"
            }
        }
    }

    /// What the media is.
    public var kind: Kind
    /// The channel's id of the media.
    public var mediaID: String

    /// `kind` of media, by the channel's id for it.
    public init(_ kind: Kind, mediaID: String) {
        self.kind = kind
        self.mediaID = mediaID
    }
}
