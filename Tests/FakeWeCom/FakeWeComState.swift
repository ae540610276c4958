import Foundation

/// What the fake WeCom API knows and has seen: tokens, the directory, sent messages, faults.
public actor FakeWeComState {
    /// A failure to answer with instead of the real response.
    public enum Fault: Sendable, Equatable {
        case errcode(Int)
        case httpStatus(Int)
    }

    /// A message/send or update_template_card request the fake accepted.
    public struct Sent: Sendable {
        public var path: String
        public var json: [String: any Sendable]
        public var touser: String? { json["touser"] as? String }
        public var msgtype: String? { json["msgtype"] as? String }
        /// The content of a text or markdown message.
        public var content: String? {
            guard let msgtype, let body = json[msgtype] as? [String: any Sendable] else { return nil }
            return body["content"] as? String
        }
        /// The media id of a picture, voice message or video.
        public var mediaID: String? {
            guard let msgtype, let body = json[msgtype] as? [String: any Sendable] else { return nil }
            return body["media_id"] as? String
        }
        /// The `response_code` of an update_template_card.
        public var responseCode: String? { json["response_code"] as? String }
        /// The `atall` of an update_template_card: every recipient of the card.
        public var atAll: Bool { (json["atall"] as? Int) == 1 }
        /// The `userids` of an update_template_card.
        public var userIDs: [String] { json["userids"] as? [String] ?? [] }
        /// The `button.replace_name` of an update_template_card.
        public var replaceName: String? { (json["button"] as? [String: any Sendable])?["replace_name"] as? String }
        /// A template card, as the server sent it.
        public var card: Card? {
            guard msgtype == "template_card", let body = json["template_card"] as? [String: any Sendable] else { return nil }
            let buttons = (body["button_list"] as? [[String: any Sendable]] ?? []).map {
                Card.Button(text: $0["text"] as? String ?? "", key: $0["key"] as? String ?? "")
            }
            return Card(
                title: (body["main_title"] as? [String: any Sendable])?["title"] as? String ?? "",
                subtitle: body["sub_title_text"] as? String ?? "", taskID: body["task_id"] as? String ?? "",
                buttons: buttons)
        }
    }

    /// The parts of a `button_interaction` card tests look at.
    public struct Card: Sendable, Equatable {
        public struct Button: Sendable, Equatable {
            public var text: String
            public var key: String
        }
        public var title: String
        public var subtitle: String
        public var taskID: String
        public var buttons: [Button]
    }

    public let corpID: String
    public let secret: String
    public let agentID: Int
    public var users: [[String: any Sendable]]
    public var departments: [[String: any Sendable]]

    public private(set) var gettokenCount = 0
    public private(set) var sent: [Sent] = []
    /// The update_template_card requests accepted, in order (they are in `sent` too).
    public var cardUpdates: [Sent] { sent.filter { $0.path.hasSuffix("/update_template_card") } }
    /// Calls of message/send, accepted or not.
    public private(set) var sendAttempts = 0
    /// Sends with `enable_duplicate_check` that WeCom answered ok but did not deliver, as it does for a
    /// request identical to one delivered within `duplicate_check_interval`.
    public private(set) var droppedDuplicates: [Sent] = []
    /// What was delivered when, to compare later sends that ask for the duplicate check.
    private var deliveries: [(key: String, at: ContinuousClock.Instant)] = []
    /// When each member got a message (`clock`'s time), for WeCom's per-member limit.
    private var memberDeliveries: [String: [Date]] = [:]
    /// WeCom's per-member limit on messages from one app, once `enforceMemberLimit` turned it on.
    private var memberLimit: (perMinute: Int, perHour: Int)?
    /// Messages a member did not get because of the per-member limit, as WeCom drops them: silently,
    /// answering ok.
    public private(set) var droppedOverLimit: [(member: String, sent: Sent)] = []
    /// The time deliveries are stamped with; a test's clock makes a minute pass at once.
    private var clock: @Sendable () -> Date = { Date() }
    /// message/send requests being answered now, and the most there were at once.
    public private(set) var sendsInFlight = 0
    public private(set) var maxSendsInFlight = 0
    /// How long message/send takes for a recipient (`touser`), to make one associate's send hang.
    private var sendDelays: [String: Duration] = [:]
    /// Response codes an update has consumed: WeCom allows one update per code.
    private var usedResponseCodes: Set<String> = []
    /// The `task_id`s of the cards sent: WeCom refuses a task id it has seen for the app.
    public private(set) var cardTaskIDs: Set<String> = []
    /// Cards refused because their `task_id` had been used before.
    public private(set) var repeatedTaskIDs: [String] = []
    private var tokens: [String: Bool] = [:]  // token → still valid
    private var faults: [String: [Fault]] = [:]
    /// How long gettoken takes, so that concurrent refreshes would overlap.
    public var gettokenDelay: Duration = .milliseconds(50)

    public init(corpID: String, secret: String, agentID: Int) {
        self.corpID = corpID
        self.secret = secret
        self.agentID = agentID
        self.users = [
            ["userid": "zhangsan", "name": "张三", "department": [21], "main_department": 21],
            ["userid": "lisi", "name": "李四", "department": [22], "main_department": 22],
            ["userid": "wangwu", "name": "王五", "department": [31], "main_department": 31],
        ]
        self.departments = [
            ["id": 1, "name": "总公司", "parentid": 0],
            ["id": 2, "name": "华东区", "parentid": 1],
            ["id": 3, "name": "华南区", "parentid": 1],
            ["id": 21, "name": "上海南京路店", "parentid": 2],
            ["id": 22, "name": "杭州西湖店", "parentid": 2],
            ["id": 31, "name": "广州天河店", "parentid": 3],
        ]
    }

    /// Makes the next `count` calls of `path` fail with `fault`.
    public func inject(_ fault: Fault, on path: String, count: Int = 1) {
        faults[path, default: []] += Array(repeating: fault, count: count)
    }

    /// Makes every message/send to `touser` take `delay` before it is answered (and delivered).
    public func delaySends(to touser: String, by delay: Duration) {
        sendDelays[touser] = delay
    }

    /// Stamps deliveries with `clock`'s time (the server's injected clock in tests) instead of the system's.
    public func useClock(_ clock: @escaping @Sendable () -> Date) {
        self.clock = clock
    }

    /// Drops, as WeCom does without a word, a message to a member who got `perMinute` in the last 60 s
    /// or `perHour` in the last hour (WeCom: 30 and 1000 from one app to one member).
    public func enforceMemberLimit(perMinute: Int = 30, perHour: Int = 1000) {
        memberLimit = (perMinute, perHour)
    }

    /// When `member` got each message, in order.
    public func deliveryTimes(to member: String) -> [Date] { memberDeliveries[member] ?? [] }

    /// The most messages `member` got within any `seconds` (from one delivery up to, not including,
    /// `seconds` later).
    public func mostDeliveries(to member: String, within seconds: TimeInterval) -> Int {
        let times = deliveryTimes(to: member)
        return times.indices.map { start in
            times[start...].prefix { $0.timeIntervalSince(times[start]) < seconds }.count
        }.max() ?? 0
    }

    /// Every issued token expires now (WeCom then answers 42001).
    public func expireTokens() {
        for token in tokens.keys { tokens[token] = false }
    }

    public func clearSent() { sent.removeAll() }

    /// Texts sent to `user`, in order.
    public func texts(to user: String) -> [String] {
        sent.filter { $0.touser == user }.compactMap(\.content)
    }

    /// Cards sent to `user`, in order.
    public func cards(to user: String) -> [Card] {
        sent.filter { $0.touser == user }.compactMap(\.card)
    }

    /// How many messages of any kind went to `user`.
    public func messageCount(to user: String) -> Int { sent.filter { $0.touser == user }.count }

    // MARK: - Used by the server

    func takeFault(_ path: String) -> Fault? {
        guard var queue = faults[path], !queue.isEmpty else { return nil }
        let fault = queue.removeFirst()
        faults[path] = queue
        return fault
    }

    func issueToken(corpID: String, secret: String) -> [String: any Sendable] {
        gettokenCount += 1
        guard corpID == self.corpID, secret == self.secret else {
            return ["errcode": 40001, "errmsg": "invalid credential"]
        }
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        tokens[token] = true
        return ["errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200]
    }

    /// nil when the token is good, else WeCom's error.
    func checkToken(_ token: String?) -> [String: any Sendable]? {
        guard let token, let valid = tokens[token] else { return ["errcode": 40014, "errmsg": "invalid access_token"] }
        return valid ? nil : ["errcode": 42001, "errmsg": "access_token expired"]
    }

    func noteSendAttempt() { sendAttempts += 1 }

    func beginSend() {
        sendsInFlight += 1
        maxSendsInFlight = max(maxSendsInFlight, sendsInFlight)
    }

    func endSend() { sendsInFlight -= 1 }

    func sendDelay(to touser: String?) -> Duration? {
        touser.flatMap { sendDelays[$0] }
    }

    func acceptSend(path: String, json: [String: any Sendable]) -> [String: any Sendable] {
        guard (json["agentid"] as? Int) == agentID else { return ["errcode": 40056, "errmsg": "invalid agentid"] }
        if path.hasSuffix("message/send") {
            guard let msgtype = json["msgtype"] as? String,
                ["text", "markdown", "template_card", "image", "voice", "video"].contains(msgtype)
            else { return ["errcode": 40008, "errmsg": "invalid message type"] }
            if ["image", "voice", "video"].contains(msgtype) {
                let media = (json[msgtype] as? [String: any Sendable])?["media_id"] as? String ?? ""
                if media.isEmpty { return ["errcode": 40007, "errmsg": "invalid media_id"] }
            } else if msgtype != "template_card" {
                let content = (json[msgtype] as? [String: any Sendable])?["content"] as? String ?? ""
                if content.isEmpty { return ["errcode": 44004, "errmsg": "empty content"] }
                if content.utf8.count > 2048 { return ["errcode": 45002, "errmsg": "content size out of limit"] }
            }
            let known = Set(users.compactMap { $0["userid"] as? String })
            let recipients = (json["touser"] as? String ?? "").split(separator: "|").map(String.init)
            let invalid = recipients.filter { !known.contains($0) }
            if !recipients.isEmpty, invalid.count == recipients.count {
                return [
                    "errcode": 81013, "errmsg": "user & party & tag all invalid", "invaliduser": invalid.joined(separator: "|"),
                ]
            }
            let key = Self.duplicateKey(json, msgtype: msgtype)
            let now = ContinuousClock.now
            if (json["enable_duplicate_check"] as? Int) == 1 {
                let interval = Duration.seconds(json["duplicate_check_interval"] as? Int ?? 1800)
                if deliveries.contains(where: { $0.key == key && now - $0.at < interval }) {
                    droppedDuplicates.append(Sent(path: path, json: json))
                    return ["errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "dropped\(droppedDuplicates.count)"]
                }
            }
            if msgtype == "template_card" {
                let taskID = (json["template_card"] as? [String: any Sendable])?["task_id"] as? String ?? ""
                guard cardTaskIDs.insert(taskID).inserted else {
                    repeatedTaskIDs.append(taskID)
                    return ["errcode": Self.repeatedTaskIDErrcode, "errmsg": "task_id \(taskID) exists"]
                }
            }
            deliveries.append((key, now))
            let delivered = deliver(to: recipients.filter { known.contains($0) }, Sent(path: path, json: json))
            if !delivered {
                // WeCom answers as if all were well.
                return ["errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "overlimit\(droppedOverLimit.count)"]
            }
            sent.append(Sent(path: path, json: json))
            var response: [String: any Sendable] = [
                "errcode": 0, "errmsg": "ok", "invaliduser": invalid.joined(separator: "|"), "msgid": "fake\(sent.count)",
            ]
            // Numbered by deliveries, which `clearSent` leaves alone, so that no code is issued twice.
            if msgtype == "template_card" { response["response_code"] = "rc\(deliveries.count)" }
            return response
        }
        // update_template_card. Real WeCom's errcode for a used or expired code is not documented
        // (protocol note §14); the fake answers a used one with 40058, invalid parameter. Codes it did
        // not issue are accepted, so that a test may click a card with a made-up code and use that.
        guard let code = json["response_code"] as? String, !code.isEmpty, !usedResponseCodes.contains(code) else {
            return ["errcode": Self.invalidResponseCodeErrcode, "errmsg": "invalid response_code"]
        }
        usedResponseCodes.insert(code)
        sent.append(Sent(path: path, json: json))
        return ["errcode": 0, "errmsg": "ok"]
    }

    /// Counts `message` for each of `members` within the per-member limit and records the drops beyond.
    /// - Returns: whether anyone got it.
    private func deliver(to members: [String], _ message: Sent) -> Bool {
        let now = clock()
        var anyone = members.isEmpty
        for member in members {
            let times = memberDeliveries[member] ?? []
            if let limit = memberLimit,
                times.filter({ now.timeIntervalSince($0) < 60 }).count >= limit.perMinute
                    || times.filter({ now.timeIntervalSince($0) < 3600 }).count >= limit.perHour
            {
                droppedOverLimit.append((member, message))
                continue
            }
            memberDeliveries[member, default: []].append(now)
            anyone = true
        }
        return anyone
    }

    /// What the fake answers to update_template_card with a missing or already used response code.
    public static let invalidResponseCodeErrcode = 40058
    /// What the fake answers to a card whose `task_id` the app used before (WeCom's errcode for it is
    /// not documented; an invalid parameter, as the fake answers a used response code).
    public static let repeatedTaskIDErrcode = 40058

    /// What WeCom's duplicate check compares: recipients, type and content (keys sorted).
    private static func duplicateKey(_ json: [String: any Sendable], msgtype: String) -> String {
        let body = json[msgtype].flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        return "\(json["touser"] as? String ?? "")|\(msgtype)|" + String(decoding: body ?? Data(), as: UTF8.self)
    }

    func user(_ id: String?) -> [String: any Sendable] {
        guard let user = users.first(where: { ($0["userid"] as? String) == id }) else {
            return ["errcode": 60111, "errmsg": "invalid string value `userid`"]
        }
        return user.merging(["errcode": 0, "errmsg": "ok"]) { $1 }
    }

    func departmentList(root: Int?) -> [String: any Sendable] {
        var result = departments
        if let root {
            var keep: Set<Int> = [root]
            var changed = true
            while changed {
                changed = false
                for department in departments {
                    if let id = department["id"] as? Int, let parent = department["parentid"] as? Int,
                        keep.contains(parent), !keep.contains(id)
                    {
                        keep.insert(id)
                        changed = true
                    }
                }
            }
            result = departments.filter { keep.contains($0["id"] as? Int ?? -1) }
        }
        return ["errcode": 0, "errmsg": "ok", "department": result]
    }
}
