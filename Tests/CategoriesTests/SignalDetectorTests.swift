import Testing

@testable import Categories

@Suite("Hand-over signals and small talk")
struct SignalDetectorTests {
    let detector = SignalDetector(lexicon: .standard)

    @Test(
        "A request for a person, however it is put",
        arguments: ["转人工", "我要找人工客服！", "能不能找总部的人问一下", "帮我联系总部", "人工"])
    func requestedHuman(text: String) {
        #expect(detector.signals(in: text).contains(.requestedHuman))
    }

    @Test("Complaints, but not questions about how to handle a customer's complaint")
    func complaints() {
        #expect(detector.signals(in: "我要投诉你们的物流") == [.complaint])
        #expect(detector.signals(in: "什么破系统，天天卡") == [.complaint])
        #expect(detector.signals(in: "顾客投诉怎么处理").isEmpty)
        #expect(detector.signals(in: "客诉流程是什么").isEmpty)
    }

    @Test(
        "Emergencies and safety matters",
        arguments: ["店里着火了！！", "有顾客摔伤了怎么办", "紧急：收银台漏电", "门口有人打架要不要打110"])
    func urgent(text: String) {
        #expect(detector.signals(in: text).contains(.urgent))
    }

    @Test("Routine questions carry no signal, including ones about fire checks and amounts with digits")
    func routine() {
        for text in ["调拨单在哪查", "消防安全检查怎么做", "灭火器过期了怎么办", "退款120元什么时候到账", "POS机打不出小票"] {
            #expect(detector.signals(in: text).isEmpty, "\(text)")
        }
    }

    @Test("A region's, city's or store's own matter is regional; a place in passing is not")
    func regional() {
        for text in ["华东区的促销活动什么时候开始", "上海的门店下周要闭店吗", "杭州西湖店的调拨规则是什么", "本区域的调价通知在哪看", "我们这边的政策是什么"] {
            #expect(detector.signals(in: text).contains(.regional), "\(text)")
        }
        #expect(!detector.signals(in: "从上海发货要几天").contains(.regional))
    }

    @Test("Places from the directory count too")
    func directoryPlaces() {
        let lexicon = SignalLexicon.standard.merging(
            SignalLexicon(
                requestedHuman: [], complaint: [], notComplaint: [], urgent: [], regionalMarkers: [], places: ["南京路"],
                smalltalk: []))
        #expect(SignalDetector(lexicon: lexicon).signals(in: "南京路店这周的排班").contains(.regional))
    }

    @Test("Small talk is a whole message of greetings, thanks or acknowledgements")
    func smalltalk() {
        for text in ["你好", "您好！", "谢谢啦", "好的好的", "收到，谢谢", "ok", "嗯嗯", "在吗？", "哈哈哈", "👍 好的呀"] {
            #expect(detector.isSmalltalk(text), "\(text)")
        }
        for text in ["你好，调拨单在哪查", "好的，那小票丢了怎么办", "谢谢你帮我查下物流", "", "？？"] {
            #expect(!detector.isSmalltalk(text), "\(text)")
        }
    }
}

extension SignalDetectorTests {
    @Test("A delivery address names places without being a regional matter")
    func addresses() {
        #expect(!detector.signals(in: "顾客要改地址：江苏省南京市溧水区石湫镇学府路8号").contains(.regional))
        #expect(detector.signals(in: "南京区域的门店这周促销吗").contains(.regional))
    }
}
