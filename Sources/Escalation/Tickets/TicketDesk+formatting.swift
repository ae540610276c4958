import Categories
import Foundation

extension TicketDesk {
    /// The associate's confirmation: the team, the number and when to expect an answer.
    func openedText(_ ticket: Ticket, team: Team, now: Date) -> String {
        let leadIn = ReasonCode.allCases.lazy.compactMap { ticket.reasons.contains($0) ? texts.leadIn[$0] : nil }.first
        var values = ["team": team.name, "ticket": "\(ticket.number)"]
        var text: String
        // The team's calendar, holidays and make-up workdays included: the promise must be true.
        let calendar = team.calendar
        if calendar.isWorking(at: now) || ticket.priority == .urgent {
            values["due"] = routing.firstResponse(for: ticket.priority).phrase
            text = texts.opened.filled(values)
        } else {
            values["opening"] =
                calendar.workingStart(atOrAfter: now).map { Self.when($0, from: now, in: calendar.timeZone) } ?? "下个工作日"
            text = texts.openedOutsideHours.filled(values)
        }
        text = (leadIn ?? texts.defaultLeadIn) + text
        if ticket.priority == .urgent { text += texts.urgentSafety }
        return text
    }

    /// A moment as people say it in the team's time zone: 今天 14:00, 明天 09:00, 10月5日周一 09:00, 10月28日 09:00.
    static func when(_ date: Date, from now: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let time = String(
            format: "%02d:%02d", calendar.component(.hour, from: date), calendar.component(.minute, from: date))
        let days =
            calendar.dateComponents([.day], from: calendar.startOfDay(for: now), to: calendar.startOfDay(for: date)).day ?? 0
        switch days {
        case 0: return "今天 " + time
        case 1: return "明天 " + time
        case 2..<7:
            // With the date too: after a holiday week "周四" alone is easy to misread.
            let names = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]
            return "\(calendar.component(.month, from: date))月\(calendar.component(.day, from: date))日"
                + names[calendar.component(.weekday, from: date) - 1] + " " + time
        default:
            return "\(calendar.component(.month, from: date))月\(calendar.component(.day, from: date))日 " + time
        }
    }

    /// The card offered to agents and the case that follows it.
    func offer(_ ticket: Ticket, team: Team) -> TicketOffer {
        var rows: [(key: String, value: String)] = [
            ("门店", ticket.store ?? "未知"), ("区域", ticket.region ?? "未知"),
            ("分类", ticket.categoryName ?? ticket.category?.rawValue ?? "未分类"), ("优先级", ticket.priority.label),
        ]
        rows.append(("问题", Ticket.subject(of: ticket.question)))
        return TicketOffer(
            number: ticket.number, cardID: "sd-t\(ticket.number.rawValue)-\(ticket.offerCards.count + 1)",
            title: texts.offerTitle.filled(["ticket": "\(ticket.number)"]), rows: rows, caseText: caseText(ticket, team: team))
    }

    /// The whole case as an agent reads it.
    func caseText(_ ticket: Ticket, team: Team) -> String {
        var lines = [
            "工单 \(ticket.number) · \(ticket.priority.label) · \(ticket.status.label) · \(team.name)",
            "门店：\(ticket.store ?? "未知")（\(ticket.region ?? "未知区域")） 提问人：\(ticket.requesterName ?? ticket.requester)",
            "分类：\(ticket.categoryName ?? ticket.category?.rawValue ?? "未分类")  原因：\(ticket.reasons.map(Self.reasonLabel).joined(separator: "、"))",
            "问题：\(ticket.question)",
        ]
        for answer in ticket.intake {
            lines.append(
                "\(answer.question.split(separator: "（").first.map(String.init) ?? answer.question)：\(answer.answer ?? "（未提供）")")
        }
        if !ticket.candidates.isEmpty {
            lines.append(
                "机器人试过：" + ticket.candidates.map { "\($0.question)（\(Int(($0.score * 100).rounded()))%）" }.joined(separator: "；"))
        }
        if let assignee = ticket.assigneeName ?? ticket.assignee { lines.append("处理人：\(assignee)") }
        lines.append(texts.offerHint.filled(["ticket": "\(ticket.number)"]))
        return lines.joined(separator: "\n")
    }

    static func reasonLabel(_ reason: ReasonCode) -> String {
        switch reason {
        case .requestedHuman: "要求人工"
        case .complaint: "投诉"
        case .urgent: "紧急"
        case .regional: "区域事务"
        case .lowConfidence: "没有把握"
        case .shortQuestion: "问题太短"
        case .notCovered: "知识库未覆盖"
        case .suggestionsDeclined: "推荐都不是"
        case .answerUnhelpful: "回答没用"
        case .categoryAlwaysPerson: "该分类总是人工"
        case .outOfScope: "超出范围"
        case .smalltalk: "闲聊"
        }
    }

    /// Who has the ticket, as an associate reads it.
    func holder(_ ticket: Ticket) -> String {
        let team = team(of: ticket).name
        if let assignee = ticket.assigneeName ?? ticket.assignee { return "\(team) \(assignee) 负责" }
        return "\(team) 待认领"
    }
}
