import Categories
import Foundation

/// What an agent types in WeCom: `#1001 <text>` replies, `#1001 解决 <summary>`, `#1001 备注 <text>`,
/// `#1001 详情`, `#1001 认领`, `#1001 转 <user or team>`, `#1001 等待 <question>`, `我的工单`, `队列`, `下班`, `上班`,
/// `帮助`.
public enum AgentCommand: Sendable, Equatable {
    case reply(TicketNumber, String)
    case resolve(TicketNumber, summary: String)
    case note(TicketNumber, String)
    case details(TicketNumber)
    case claim(TicketNumber)
    case reassign(TicketNumber, to: String)
    /// `#1001 等待 <question>`: ask the store for something; the SLA pauses until it answers.
    case wait(TicketNumber, question: String)
    /// A resolved ticket back to its agent (the API's reopen; associates say 没解决).
    case reopen(TicketNumber)
    /// `下班`: no new tickets until the agent's next working period.
    case offDuty
    /// `上班`: back on duty before that.
    case onDuty
    case myTickets
    case queue
    case help
    /// A verb without what it needs (`#1001 解决`, `#1001 转`, `#1001 备注`): the agent is told how to
    /// write it, and nothing reaches the store.
    case incomplete(TicketNumber, verb: String)
    /// A picture, voice message or video the agent sent: it carries no ticket number, so it goes to the
    /// store of the ticket the agent last worked on (`TicketDesk.forwardWindow`), if they still hold it.
    case forward(Attachment)

    /// The command in `text`, nil when it is none (an agent's other messages are questions to the bot).
    public static func parse(_ text: String) -> AgentCommand? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let (number, rest) = TicketReference.split(trimmed) {
            if rest.isEmpty { return .details(number) }
            // An internal note never reaches the store, however it is written (「#1001 备注已电话联系」).
            if rest.hasPrefix("备注") {
                let note = Self.argument(after: "备注", in: rest)
                return note.isEmpty ? .incomplete(number, verb: "备注") : .note(number, note)
            }
            for (word, make) in Self.verbs {
                guard rest.hasPrefix(word) else { continue }
                // The verb must stand alone, followed by a space, a colon or a comma: 「#1001 解决了吗？」
                // and 「#1001 转账已处理」 are replies.
                if let next = rest.dropFirst(word.count).first, !(next.isWhitespace || Self.separators.contains(next)) {
                    continue
                }
                let argument = Self.argument(after: word, in: rest)
                if let command = make(number, argument) { return command }
                // A verb alone (「#1001 解决」) is a command missing its argument, never a reply.
                if argument.isEmpty, Self.needsArgument.contains(word) { return .incomplete(number, verb: word) }
            }
            return .reply(number, rest)
        }
        switch TextNormalizer.normalize(trimmed) {
        case "我的工单", "我的", "我的单": return .myTickets
        case "队列", "待认领", "工单队列": return .queue
        case "帮助", "help", "命令", "怎么用": return .help
        case "下班", "下班了", "我下班了", "我先下班了", "收工": return .offDuty
        case "上班", "上班了", "我上班了", "开工": return .onDuty
        default: return nil
        }
    }

    /// Verbs after the number, longest first; a verb whose argument is missing or unexpected makes the
    /// text a reply.
    private static let verbs: [(String, @Sendable (TicketNumber, String) -> AgentCommand?)] = [
        ("解决", { number, summary in summary.isEmpty ? nil : .resolve(number, summary: summary) }),
        ("备注", { number, note in note.isEmpty ? nil : .note(number, note) }),
        ("详情", { number, rest in rest.isEmpty ? .details(number) : nil }),
        ("进度", { number, rest in rest.isEmpty ? .details(number) : nil }),
        ("认领", { number, rest in rest.isEmpty ? .claim(number) : nil }),
        ("等待", { number, question in question.isEmpty ? nil : .wait(number, question: question) }),
        ("转派", { number, argument in target(argument).isEmpty ? nil : .reassign(number, to: target(argument)) }),
        ("转给", { number, argument in target(argument).isEmpty ? nil : .reassign(number, to: target(argument)) }),
        ("转", { number, argument in target(argument).isEmpty ? nil : .reassign(number, to: target(argument)) }),
    ]

    private static let separators: Set<Character> = [":", "：", ",", "，", "、"]
    private static let needsArgument: Set<String> = ["解决", "转派", "转给", "转", "等待"]

    /// What follows the verb: without the separator before it and the spaces around it, its own
    /// punctuation kept (「#1001 等待 哪个门店？」 asks with its question mark); punctuation alone is nothing.
    private static func argument(after verb: String, in rest: String) -> String {
        let leading = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        let argument = rest.dropFirst(verb.count)
            .drop { $0.unicodeScalars.allSatisfy(leading.contains) }
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return argument
    }

    /// A person named after 转 (「@hq_bob。」): no punctuation either side.
    private static func target(_ argument: String) -> String {
        argument.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
    }

    /// The ticket the command is about, if any.
    public var ticket: TicketNumber? {
        switch self {
        case .reply(let number, _), .resolve(let number, _), .note(let number, _), .details(let number), .claim(let number),
            .reassign(let number, _), .incomplete(let number, _), .wait(let number, _), .reopen(let number):
            number
        case .myTickets, .queue, .help, .offDuty, .onDuty, .forward: nil
        }
    }
}

extension AgentCommand {
    /// The command's name, for logs and metrics.
    public var name: String {
        switch self {
        case .reply: "reply"
        case .resolve: "resolve"
        case .note: "note"
        case .details: "details"
        case .claim: "claim"
        case .reassign: "reassign"
        case .myTickets: "my_tickets"
        case .queue: "queue"
        case .help: "help"
        case .incomplete: "incomplete"
        case .wait: "wait"
        case .reopen: "reopen"
        case .offDuty: "off_duty"
        case .onDuty: "on_duty"
        case .forward: "forward"
        }
    }
}
