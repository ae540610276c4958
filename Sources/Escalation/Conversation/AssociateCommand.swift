import Categories
import Foundation

/// What an associate may type about tickets, in any state of the conversation.
public enum AssociateCommand: Sendable, Equatable {
    /// `#1001 进度` or `#1001`.
    case progress(TicketNumber)
    /// `#1001 <text>`: a message for that ticket's agent.
    case add(TicketNumber, String)
    /// 本店工单.
    case storeTickets
    /// 新问题 (only while an agent owns the conversation).
    case newQuestion
    /// 不用了 (withdraws the ticket being handed over or handled).
    case withdraw

    public static let storeTicketPhrases: Set<String> = ["本店工单", "门店工单", "我们店的工单", "本店的工单"]
    public static let newQuestionPhrases: Set<String> = ["新问题", "问新问题", "我有新问题", "另一个问题", "换个问题"]
    public static let withdrawPhrases: Set<String> = ["不用了", "不需要了", "算了", "撤回", "取消工单", "撤销工单", "已经好了", "自己解决了"]

    /// The command in `text`, nil when it is none.
    public static func parse(_ text: String) -> AssociateCommand? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let (number, rest) = TicketReference.split(trimmed) {
            let normal = TextNormalizer.normalize(rest)
            if normal.isEmpty || ["进度", "进展", "状态", "查询", "怎么样了", "处理到哪了"].contains(normal) {
                return .progress(number)
            }
            return .add(number, rest)
        }
        let normal = TextNormalizer.normalize(trimmed)
        if storeTicketPhrases.contains(normal) { return .storeTickets }
        if newQuestionPhrases.contains(normal) { return .newQuestion }
        if withdrawPhrases.contains(normal) { return .withdraw }
        return nil
    }
}

/// A message that starts with a ticket number: `#1001 …` or `＃1001 …`.
public enum TicketReference {
    /// The number and the rest of the text (trimmed), nil when `text` does not start with `#digits`.
    public static func split(_ text: String) -> (TicketNumber, String)? {
        guard let first = text.first, first == "#" || first == "＃" else { return nil }
        let afterHash = text.dropFirst()
        let digits = afterHash.prefix { $0.isASCII && $0.isNumber }
        // Ticket numbers start at 1001: 「#3号货架坏了」 is about a shelf.
        guard !digits.isEmpty, let number = TicketNumber(text: digits), number >= .first else { return nil }
        let rest = afterHash.dropFirst(digits.count).trimmingCharacters(in: .whitespacesAndNewlines)
        return (number, rest)
    }
}
