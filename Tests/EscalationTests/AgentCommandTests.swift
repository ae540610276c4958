import Testing

@testable import Escalation

@Suite("Agent and associate commands")
struct AgentCommandTests {
    @Test("Agents' commands, and what is a reply rather than a command")
    func agentCommands() {
        let n = TicketNumber(1001)
        let table: [(String, AgentCommand?)] = [
            ("#1001 您好，请重启一下", .reply(n, "您好，请重启一下")),
            ("＃1001 好的", .reply(n, "好的")),
            ("#1001 解决 已重启恢复", .resolve(n, summary: "已重启恢复")),
            ("#1001 解决：已重启恢复", .resolve(n, summary: "已重启恢复")),
            ("#1001 解决了吗？", .reply(n, "解决了吗？")),
            ("#1001 认领了", .reply(n, "认领了")),
            ("#1001 备注 等区域回复", .note(n, "等区域回复")),
            ("#1001 详情", .details(n)),
            ("#1001", .details(n)),
            ("#1001 认领", .claim(n)),
            ("#1001 转 hq_bob", .reassign(n, to: "hq_bob")),
            ("#1001 转给 总部客服中心", .reassign(n, to: "总部客服中心")),
            ("#1001 转账已经处理好了", .reply(n, "转账已经处理好了")),
            ("我的工单", .myTickets),
            ("队列", .queue),
            ("帮助", .help),
            ("调拨单在哪查", nil),
            ("#abc 你好", nil),
            // A note never reaches the store, however it is written; a verb alone is never a reply.
            ("#1001 备注已电话联系店长", .note(n, "已电话联系店长")),
            ("#1001 备注", .incomplete(n, verb: "备注")),
            ("#1001 解决", .incomplete(n, verb: "解决")),
            ("#1001 解决：", .incomplete(n, verb: "解决")),
            ("#1001 解决，已补发", .resolve(n, summary: "已补发")),
            ("#1001 转", .incomplete(n, verb: "转")),
            // The argument keeps its own punctuation; the separator and a person's name lose theirs.
            ("#1001 等待 请问是哪个门店？", .wait(n, question: "请问是哪个门店？")),
            ("#1001 等待：小票号是多少?", .wait(n, question: "小票号是多少?")),
            ("#1001 等待 ？", .incomplete(n, verb: "等待")),
            ("#1001 转给 @hq_bob。", .reassign(n, to: "hq_bob")),
            // Ticket numbers start at 1001: a shelf number is not a ticket.
            ("#3号货架坏了", nil),
        ]
        for (text, expected) in table {
            #expect(AgentCommand.parse(text) == expected, "\(text)")
        }
    }

    @Test("Associates' commands")
    func associateCommands() {
        #expect(AssociateCommand.parse("#1001 进度") == .progress(TicketNumber(1001)))
        #expect(AssociateCommand.parse("#1001 还有个问题") == .add(TicketNumber(1001), "还有个问题"))
        #expect(AssociateCommand.parse("本店工单") == .storeTickets)
        #expect(AssociateCommand.parse("新问题") == .newQuestion)
        #expect(AssociateCommand.parse("不用了！") == .withdraw)
        #expect(AssociateCommand.parse("调拨单在哪查") == nil)
        #expect(AssociateCommand.parse("#3号货架坏了，顾客差点摔倒") == nil)
        #expect(AssociateCommand.parse("#12 收银台") == nil)
    }

    @Test("Ticket numbers as people write them")
    func numbers() {
        #expect(TicketNumber(text: "#1001") == TicketNumber(1001))
        #expect(TicketNumber(text: "＃1001") == TicketNumber(1001))
        #expect(TicketNumber(text: "1001") == TicketNumber(1001))
        #expect(TicketNumber(text: "#") == nil)
        #expect(TicketNumber(text: "１００１") == nil)
        #expect("\(TicketNumber(1001))" == "#1001")
    }
}
