/// The bot's fixed texts (`bot.replies` in storedesk.yaml). `{categories}` in `welcome` becomes the
/// category names, `{category}` in `categorySuggestIntro` the chosen category's.
public struct BotReplies: Sendable, Codable, Equatable {
    public var nonText = "我目前只能看懂文字消息，请直接输入您的问题，例如“调拨单在哪查”。"
    /// After an answer; `{question}` quotes what was asked, which also makes every answer's message its
    /// own (WeCom's duplicate check, used when a send is retried after a crash, drops a message identical
    /// to one sent to the same associate within half an hour).
    public var feedbackPrompt = "——\n这个回答对“{question}”有帮助吗？回复“有用”或“没用”。"
    public var feedbackThanks = "谢谢反馈！有其他问题随时问我。"
    public var feedbackSorry = "抱歉没帮上忙。您可以换个说法再问，或回复“转人工”由总部同事处理。"
    public var suggestIntro = "您想问的是不是："
    public var suggestOutro = "请回复序号查看答案；都不是的话，换个说法再问，或回复“转人工”。"
    public var noneOfTheseButton = "都不是"
    public var categorySuggestIntro = "{category}里和您的问题最接近的是："
    public var clarifyCategory = "您问的是哪一类问题？"
    public var clarifyOutro = "请回复序号或点按钮选择；也可以换个说法，把情况说具体些。"
    public var choiceExpired = "这个选项已经过期了，请直接输入您的问题。"
    /// The label a clicked card button takes.
    public var buttonChosen = "已选择"
    public var greeting = "您好！我是门店助手，请直接输入您的问题，例如“调拨单在哪查”。"
    public var thanks = "不客气，有其他问题随时问我。"
    public var acknowledgement = "好的，有其他问题随时问我。"
    public var outOfScope = "这个我回答不了。门店的订单、物流、系统使用和营运问题可以随时问我。"
    public var handedOver = "这个问题我暂时没有把握回答，已记录并转交总部同事跟进，请留意企业微信消息。"
    public var requestedHuman = "好的，已为您转人工，总部同事会尽快在企业微信联系您。"
    public var complaint = "非常抱歉给您带来不好的体验，您的反馈已记录并转交总部负责人跟进。"
    public var urgent = "收到紧急情况，已记录并立即转交总部。如涉及人身安全或火情，请先拨打 110/119/120 并通知店长。"
    public var regional = "这个问题涉及所在区域或门店的具体安排，已转交总部同事确认后回复您。"
    public var welcome = "您好，我是门店助手，可以回答{categories}。"
    /// Before the first intake question of a hand-over.
    public var intakeIntro = "好的，转给总部同事前请补充一下：\n"
    /// 不用了 during the intake questions.
    public var handOverCancelled = "好的，已取消转人工。有其他问题随时问我。"
    /// After the answer to a question asked again within 10 minutes.
    public var askedAgain = "这个问题您刚问过，还没解决的话可以转人工："
    public var askedAgainOutro = "回复“转人工”由总部同事处理。"
    public var requestPersonButton = "转人工"
    /// A 转人工 button tapped while a person already has the conversation.
    public var alreadyWithPerson = "您的问题已经在总部同事那里了，直接在这里回复即可。"
    public var hotQuestionsIntro = "大家常问："
    public var welcomeOutro = "回复序号查看答案，或直接输入您的问题；需要人工请回复“转人工”。"

    public init() {}

    /// Texts missing from the file keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = BotReplies()
        func text(_ key: CodingKeys, _ fallback: String) throws -> String {
            try container.decodeIfPresent(String.self, forKey: key) ?? fallback
        }
        nonText = try text(.nonText, defaults.nonText)
        feedbackPrompt = try text(.feedbackPrompt, defaults.feedbackPrompt)
        feedbackThanks = try text(.feedbackThanks, defaults.feedbackThanks)
        feedbackSorry = try text(.feedbackSorry, defaults.feedbackSorry)
        suggestIntro = try text(.suggestIntro, defaults.suggestIntro)
        suggestOutro = try text(.suggestOutro, defaults.suggestOutro)
        noneOfTheseButton = try text(.noneOfTheseButton, defaults.noneOfTheseButton)
        categorySuggestIntro = try text(.categorySuggestIntro, defaults.categorySuggestIntro)
        clarifyCategory = try text(.clarifyCategory, defaults.clarifyCategory)
        clarifyOutro = try text(.clarifyOutro, defaults.clarifyOutro)
        choiceExpired = try text(.choiceExpired, defaults.choiceExpired)
        buttonChosen = try text(.buttonChosen, defaults.buttonChosen)
        greeting = try text(.greeting, defaults.greeting)
        thanks = try text(.thanks, defaults.thanks)
        acknowledgement = try text(.acknowledgement, defaults.acknowledgement)
        outOfScope = try text(.outOfScope, defaults.outOfScope)
        handedOver = try text(.handedOver, defaults.handedOver)
        requestedHuman = try text(.requestedHuman, defaults.requestedHuman)
        complaint = try text(.complaint, defaults.complaint)
        urgent = try text(.urgent, defaults.urgent)
        regional = try text(.regional, defaults.regional)
        welcome = try text(.welcome, defaults.welcome)
        hotQuestionsIntro = try text(.hotQuestionsIntro, defaults.hotQuestionsIntro)
        welcomeOutro = try text(.welcomeOutro, defaults.welcomeOutro)
        intakeIntro = try text(.intakeIntro, defaults.intakeIntro)
        handOverCancelled = try text(.handOverCancelled, defaults.handOverCancelled)
        askedAgain = try text(.askedAgain, defaults.askedAgain)
        askedAgainOutro = try text(.askedAgainOutro, defaults.askedAgainOutro)
        requestPersonButton = try text(.requestPersonButton, defaults.requestPersonButton)
        alreadyWithPerson = try text(.alreadyWithPerson, defaults.alreadyWithPerson)
    }
}
