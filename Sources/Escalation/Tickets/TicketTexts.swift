import Foundation

/// What tickets say to associates and agents. `{ticket}` is `#1001`, `{team}` the team's name,
/// `{agent}` the agent's name, `{due}` the promise ("2 个工作小时"), `{opening}` when the team starts
/// again ("周一 09:00").
public struct TicketTexts: Sendable, Equatable {
    // To the associate
    public var leadIn: [ReasonCode: String] = [
        .requestedHuman: "好的，已为您转人工。",
        .complaint: "非常抱歉给您带来不好的体验。",
        .urgent: "收到紧急情况，已立即通知总部。",
        .regional: "这个问题涉及所在区域或门店的具体安排。",
    ]
    public var defaultLeadIn = "这个问题需要总部同事处理。"
    public var opened = "已转交{team}，工单 {ticket}，预计 {due}内回复。"
    public var openedOutsideHours = "已转交{team}，工单 {ticket}。现在是非工作时间，{team}将于{opening} 开始处理。"
    public var urgentSafety = "如涉及人身安全或火情，请先拨打 110/119/120 并通知店长。"
    public var claimed = "{agent} 已接单（工单 {ticket}），请留意回复。"
    public var agentReply = "【{ticket} {team} {agent}】{text}"
    public var mergedIntoActive = "您还有进行中的工单 {ticket}（{holder}），这个问题已补充到该工单，不另开工单。"
    public var addedToTicket = "已补充到工单 {ticket}，总部同事接单后会回复您。"
    public var resolved = "工单 {ticket} 已解决：{text}"
    public var ratingIntro = "这次处理您满意吗？"
    public var ratingOutro = "请点按钮，或回复“满意”“不满意”“没解决”（也可回复 1、2、3）。"
    public var ratingThanks = "谢谢您的评价！有其他问题随时问我。"
    public var ratingSorry = "抱歉这次没让您满意，已转告负责人。有其他问题随时问我。"
    public var unresolvedWhileActive = "您的工单 {active} 还在处理中，工单 {ticket} 的情况请直接发给处理人（回复“{active} 内容”）。"
    public var alreadyRated = "工单 {ticket} 已经评价过了，谢谢！"
    public var reopened = "已重新打开工单 {ticket}，{agent}会继续跟进。"
    public var withdrawn = "已撤回工单 {ticket}。有其他问题随时问我。"
    public var reassignedForAssociate = "工单 {ticket} 已转交{holder}继续处理，请留意回复。"
    public var returnedToBot = "好的，工单 {ticket} 仍由{team}跟进，回复“{ticket} 内容”可以补充给处理人。请说您的新问题。"
    public var progress = "工单 {ticket}（{subject}）：{status}，{holder}。"
    public var noSuchTicket = "没有找到工单 {ticket}。回复“本店工单”查看本店的工单。"
    public var ticketEnded = "工单 {ticket} {status}。有新问题请直接告诉我。"
    public var storeTicketsIntro = "本店的工单："
    public var followUpOpened = "工单 {previous} 已关闭，已为您开新工单跟进。"
    public var followUpQuestion = "跟进工单 {previous}：{text}"
    public var reopenedToTeam = "已重新打开工单 {ticket}。{agent}目前不在岗，已交给{team}跟进。"
    /// `#1001 等待 …`: the agent's question, relayed.
    public var waitQuestion = "【{ticket} {team} {agent}】需要您补充：{text}\n直接回复即可，处理人收到后会继续处理。"
    public var storeReminder = "提醒：工单 {ticket} 的处理人还在等您回复：{text}\n直接回复即可；如果一直没有回复，工单会在{close}自动关闭。"
    public var waitExpiredForAssociate = "工单 {ticket} 等您回复的时间已过，已关闭。如果问题还在，请重新描述，我会再转给总部。"
    public var noStoreTickets = "本店目前没有进行中的工单。"

    // To agents
    public var offerTitle = "新工单 {ticket}"
    public var offerHint = "点“认领”接单；也可回复“{ticket} 认领”。"
    public var claimButton = "认领"
    public var reassignButton = "转派"
    public var takenBy = "已被{agent}认领"
    public var reassignedLabel = "已转派"
    public var withdrawnLabel = "门店已撤回"
    public var claimAck = "已认领工单 {ticket}。回复“{ticket} 内容”答复门店，“{ticket} 解决 总结”结案。"
    public var alreadyYours = "工单 {ticket} 已在您名下。"
    public var alreadyTaken = "工单 {ticket} 已被{agent}认领。"
    public var replyAck = "已发送给{requester}（工单 {ticket}）。"
    /// `{kind}` is 图片, 语音 or 视频.
    public var forwardAck = "{kind}已发给{requester}（工单 {ticket}）。"
    /// An agent's media with no ticket acted on in the last 30 minutes: how to send them.
    public var forwardWithoutTicket =
        "{kind}要发给哪张工单？先回复“#工单号 内容”，之后 30 分钟内发的图片、语音和视频会转给那张工单的门店。"
    public var noteAck = "已为工单 {ticket} 添加备注（门店看不到）。"
    public var resolveAck = "工单 {ticket} 已解决，已请门店评价。"
    public var reassignAck = "工单 {ticket} 已转给{target}。"
    public var reassignedToYou = "工单 {ticket} 已转给您（来自{agent}）："
    public var reassignedAway = "工单 {ticket} 已由{agent}转派给别人，您不用再跟进。"
    public var alreadyWith = "工单 {ticket} 已经在{holder}那里。"
    public var reassignHint = "转派请回复“{ticket} 转 同事账号或团队名”。"
    /// `{verb}` is the command typed without its argument; `{usage}` how to write it.
    public var incompleteCommand = "“{ticket} {verb}”后面还要写内容：{usage}。这条没有发给门店。"
    public var usage: [String: String] = [
        "解决": "“{ticket} 解决 处理结果”", "备注": "“{ticket} 备注 内容”", "转": "“{ticket} 转 同事账号或团队名”",
        "转派": "“{ticket} 转派 同事账号或团队名”", "转给": "“{ticket} 转给 同事账号或团队名”",
        "等待": "“{ticket} 等待 要门店补充的内容”",
    ]
    public var associateWrote = "【{ticket} {requester}】{text}"
    public var associateWithdrew = "门店已撤回工单 {ticket}。"
    public var unsatisfied = "工单 {ticket} 门店评价：不满意（处理人 {agent}）。"
    public var reopenedToAgent = "门店反馈工单 {ticket} 没解决，已重新打开，请继续跟进。"
    public var notYours = "工单 {ticket} 不在您名下（{holder}）。"
    public var notFoundForAgent = "没有工单 {ticket}。"
    public var notResolved = "工单 {ticket} {status}：只有已解决的工单能重新打开（已关闭的请开跟进工单）。"
    public var notActiveForAgent = "工单 {ticket} {status}，不能再操作。"
    public var unknownTarget = "找不到同事或团队“{target}”。转派请写同事账号或团队名。"
    public var myTicketsIntro = "您名下的工单："
    public var noMyTickets = "您名下没有进行中的工单。"
    public var queueIntro = "待认领的工单："
    public var waitAck = "已向门店提问（工单 {ticket}），门店回复前 SLA 暂停；{remind}还没回复会提醒门店。"
    public var storeAnswered = "门店已回复，SLA 继续计时。"
    public var waitExpiredForAgent = "工单 {ticket} 门店一直没有回复您的提问，已自动关闭。"
    public var offDutyAck = "已下班：{until}前不再给您派新工单。回复“上班”可以提前回来。"
    public var offDutyHolding = "您名下还有 {count} 个进行中的工单，超时没有处理会退回团队队列。"
    public var onDutyAck = "已上班，新工单会继续派给您。"
    public var notAnAgentTeam = "您不在任何团队里，不用下班/上班。"
    public var returnedToTeamForAgent = "工单 {ticket} 您 {after}内没有{action}，已退回{team}的队列。"
    public var slaWarning = "⚠️ 工单 {ticket} 的{target}时限快到了：{due}前（{store}：{subject}）。"
    public var slaBreach = "❗ 工单 {ticket} 已超出{target}时限（应在 {due}前；{holder}）。{store}：{subject}"
    public var slaManager = "❗ 工单 {ticket} 超出{target}时限已久（应在 {due}前；{holder}），请关注。{store}：{subject}"
    public var slaTargetNames: [SLAKind: String] = [.firstResponse: "首次响应", .resolution: "解决"]
    public var returnedLabel = "已退回队列"
    public var emptyQueue = "没有待认领的工单。"
    public var help = """
        工单命令：
        #1001 内容 — 回复门店
        #1001 解决 总结 — 结案并请门店评价
        #1001 备注 内容 — 内部备注（门店看不到）
        #1001 详情 — 查看案情
        #1001 认领 — 认领工单
        #1001 转 同事账号或团队名 — 转派
        #1001 等待 问题 — 请门店补充（门店回复前 SLA 暂停）
        图片、语音、视频 — 发给 30 分钟内回复或认领过的工单的门店
        我的工单 · 队列 · 下班 · 上班 · 帮助
        其他消息会当作向机器人提问。
        """

    public init() {}
}

extension String {
    /// The text with each `{key}` replaced by its value.
    func filled(_ values: [String: String]) -> String {
        values.reduce(self) { text, pair in text.replacingOccurrences(of: "{\(pair.key)}", with: pair.value) }
    }
}
