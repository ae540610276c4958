/// Recognises the value an intake question asks for when the associate has already written it
/// ("订单号 2024031200123 顾客说没收到"), so that the bot does not ask for what it was told.
public enum IntakeRecognizer: String, Sendable, Hashable, Codable, CaseIterable {
    /// An order or receipt (小票) number: a run of at least 8 digits ("2024031200123"), or a few
    /// letters and then at least 6 digits ("SO20240312001", "DD1234567890").
    case orderNumber = "order_number"
    /// A courier waybill (SF, JD, YT, ZTO and digits) or a transfer note (调拨单: DB or TB and digits), or
    /// a run of at least 10 digits.
    case waybillNumber = "waybill_number"

    /// The value in `text`, upper-cased, or nil when there is none.
    ///
    /// A number right after its own label (订单号, 小票, 运单号, 调拨单 …) wins over one elsewhere; a number
    /// after another kind's label (手机, or 订单号 for a waybill) does not count, and neither does an
    /// unlabelled mobile number (11 digits from 13… to 19…): associates often quote the customer's phone
    /// beside the question.
    public func find(in text: String) -> String? {
        let candidates = NumberToken.scan(text).filter(matches)
        let labelled = candidates.first { $0.label == ownLabel || $0.label == .generic }
        return (labelled ?? candidates.first { $0.label == nil && !$0.isMobileNumber })?.text
    }

    private var ownLabel: NumberToken.Label {
        switch self {
        case .orderNumber: .order
        case .waybillNumber: .waybill
        }
    }

    private func matches(_ token: NumberToken) -> Bool {
        let isWaybillPrefix = Self.waybillPrefixes.contains(token.letters)
        switch self {
        case .orderNumber:
            // A courier's or a transfer note's prefix makes it a waybill, not an order.
            return !isWaybillPrefix && token.letters.count <= 4
                && token.digits.count >= (token.letters.isEmpty ? 8 : 6)
        case .waybillNumber:
            return isWaybillPrefix ? token.digits.count >= 6 : token.letters.isEmpty && token.digits.count >= 10
        }
    }

    /// Couriers' (顺丰 SF, 京东 JD/JDV…, 圆通 YT, 中通 ZTO) and transfer notes' (DB 调拨, TB 调拨/退仓) prefixes.
    static let waybillPrefixes: Set<String> = ["SF", "JD", "JDV", "JDVA", "JDVB", "JDVC", "YT", "ZTO", "DB", "TB"]
}

/// A run of ASCII letters then digits in a message, with the label written before it.
private struct NumberToken {
    enum Label: Equatable { case order, waybill, phone, generic }

    var letters: String
    var digits: String
    /// What the words right before the number call it: "订单号是：" → order.
    var label: Label?

    var text: String { letters + digits }

    var isMobileNumber: Bool {
        letters.isEmpty && digits.count == 11 && digits.hasPrefix("1")
            && "3456789".contains(digits[digits.index(after: digits.startIndex)])
    }

    /// Labels by what they name; the longest one that ends the text before a number decides, so that
    /// 订单号 is an order's label although it ends with 单号.
    static let labels: [(String, Label)] = [
        ("订单号码", .order), ("订单号", .order), ("订单", .order), ("小票号", .order), ("小票", .order), ("收银条", .order),
        ("流水号", .order), ("order", .order),
        ("运单号码", .waybill), ("运单号", .waybill), ("运单", .waybill), ("快递单号", .waybill), ("快递单", .waybill), ("快递", .waybill),
        ("物流单号", .waybill), ("物流单", .waybill), ("调拨单号", .waybill), ("调拨单", .waybill), ("调拨", .waybill),
        ("手机号", .phone), ("手机", .phone), ("电话", .phone), ("联系方式", .phone),
        ("单号", .generic), ("no.", .generic), ("no", .generic),
    ].sorted { $0.0.count > $1.0.count }

    /// The tokens of `text`. Full-width letters and digits (ＳＦ１２３) read as ASCII; a token is letters
    /// followed by digits, and a run with letters after its digits ("A1B2") is none.
    static func scan(_ text: String) -> [NumberToken] {
        let characters = text.map(halfWidth)
        var tokens: [NumberToken] = []
        var index = 0
        func isWordCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber)
        }
        while index < characters.count {
            guard isWordCharacter(characters[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
            let run = String(characters[start..<index]).uppercased()
            let letters = String(run.prefix { $0.isLetter })
            let digits = String(run.dropFirst(letters.count))
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { continue }
            // Up to 8 characters before the number, without the spaces, colons and 是 between label and number.
            let before = String(characters[max(0, start - 8)..<start].filter { !" \t:：是为#＃".contains($0) })
                .lowercased()
            let label = labels.first { before.hasSuffix($0.0) }?.1
            tokens.append(NumberToken(letters: letters, digits: digits, label: label))
        }
        return tokens
    }

    private static func halfWidth(_ character: Character) -> Character {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first,
            (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0)
        else { return character }
        return Character(ascii)
    }
}
