import Categories

/// What an associate did, as any channel reports it.
public enum ConversationInput: Sendable, Equatable {
    /// A text message (trimmed by the reducer).
    case text(String)
    /// A message that is not text (image, voice, location …), with what it is (图片, 语音 …) and what a
    /// person can open of it (a picture's URL, a location's address, a link), when the channel gives it.
    /// `attachment` is the picture, voice message or video itself, which can be relayed to an agent as it is.
    case nonText(String, detail: String? = nil, attachment: Attachment? = nil)
    /// The associate opened the app (WeCom's enter_agent).
    case opened
    /// A tap on one of the bot's choices; `choiceID` names the list it belonged to.
    case chose(ChoiceAction, choiceID: String)
    /// No message: time passed (`ConversationState.dueAt`), and what waited on the associate goes ahead.
    case tick
}

/// What a choice offered by the bot does when taken.
public enum ChoiceAction: Sendable, Equatable {
    /// Show this entry's answer (a suggestion or a hot question).
    case pick(KnowledgeEntryID)
    /// The pending question is about this category (the answer to a clarify).
    case category(CategoryID)
    /// None of the suggestions fits: hand the question over.
    case noneOfThese
    /// Hand the question just asked again to a person (offered when a question comes back).
    case requestPerson
    /// The associate's rating of a resolved ticket.
    case rate(TicketNumber, TicketRating)
}
