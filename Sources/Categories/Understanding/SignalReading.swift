/// What a message's wording says, before any matching: the hand-over signals, and whether it is small
/// talk or off-topic.
public struct SignalReading: Sendable, Equatable {
    /// A request for a person, a complaint, urgency, a regional matter: from the lexicon's phrases or the
    /// intent classifier, less what a `not` phrase forces off.
    public var signals: Set<QuestionSignal>
    /// Those of `signals` the lexicon's phrases force on (the admin's, or built in), whatever the classifier says.
    public var forced: Set<QuestionSignal>
    /// The whole message is the lexicon's greetings, thanks or acknowledgements (好的, 谢谢, 在吗): small
    /// talk whatever the knowledge base matches.
    public var isSmalltalk: Bool
    /// The intent classifier reads it as small talk or as off-topic; it decides only what the knowledge
    /// base would not answer, so a real question behind a 谢谢 is still answered.
    public var chat: Chat?

    /// What the classifier reads a message as when it is no work question.
    public enum Chat: String, Sendable, Equatable {
        case smalltalk
        case offTopic = "off_topic"
    }

    public init(signals: Set<QuestionSignal> = [], forced: Set<QuestionSignal> = [], isSmalltalk: Bool = false, chat: Chat? = nil)
    {
        self.signals = signals
        self.forced = forced
        self.isSmalltalk = isSmalltalk
        self.chat = chat
    }
}
