import Categories
import Foundation

/// What an agent types in WeCom: `#1001 <text>` replies, `#1001 解决 <summary>`, `#1001 备注 <text>`,
/// `#1001 详情`, `#1001 认领`, `#1001 转 <user or team>`, `我的工单`, `队列`, `帮助`.
public enum AgentCommand: Sendable, Equatable {
    case reply(TicketNumber, String)
    case resolve(TicketNumber, summary: String)
    case note(TicketNumber, String)
    case details(TicketNumber)
    case claim(TicketNumber)
    case reassign(TicketNumber, to: String)
    case myTickets
    case queue
    case help

    /// The command in `text`, nil when it is none (an agent's other messages are questions to the bot).
    public static func parse(_ text: String) -> AgentCommand? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let (number, rest) = TicketReference.split(trimmed) {
            if rest.isEmpty { return .details(number) }
            for (word, make) in Self.verbs {
                guard rest.hasPrefix(word) else { continue }
                // The verb must stand alone, followed by a space or a colon: 「#1001 解决了吗？」 and
                // 「#1001 转账已处理」 are replies.
                if let next = rest.dropFirst(word.count).first, !(next.isWhitespace || next == ":" || next == "：") {
                    continue
                }
                let argument = rest.dropFirst(word.count).trimmingCharacters(
                    in: .whitespacesAndNewlines.union(.punctuationCharacters))
                if let command = make(number, argument) { return command }
            }
            return .reply(number, rest)
        }
        switch TextNormalizer.normalize(trimmed) {
        case "我的工单", "我的", "我的单": return .myTickets
        case "队列", "待认领", "工单队列": return .queue
        case "帮助", "help", "命令", "怎么用": return .help
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
        ("转派", { number, target in target.isEmpty ? nil : .reassign(number, to: target) }),
        ("转给", { number, target in target.isEmpty ? nil : .reassign(number, to: target) }),
        ("转", { number, target in target.isEmpty ? nil : .reassign(number, to: target) }),
    ]

    /// The ticket the command is about, if any.
    public var ticket: TicketNumber? {
        switch self {
        case .reply(let number, _), .resolve(let number, _), .note(let number, _), .details(let number), .claim(let number),
            .reassign(let number, _):
            number
        case .myTickets, .queue, .help: nil
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
        }
    }
}
