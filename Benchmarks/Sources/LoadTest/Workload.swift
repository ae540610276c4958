import Foundation
import NIOCore
import NIOHTTP1

/// Pre-encrypted callbacks, built before a phase starts so that the generator spends its time sending.
struct Workload: Sendable {
    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
        var user: Int32
        var question: Int32
    }

    var requests: [Request]

    /// `count` callbacks, associate after associate (request `i` is from user `i % users`), each with its
    /// own MsgId from `firstMsgID` on; `round` numbers the associates' messages so questions vary.
    static func make(
        corpus: Corpus, forger: inout CallbackForger, count: Int, firstMsgID: UInt64, firstRound: Int, host: String
    ) throws -> Workload {
        let now = Date()
        var requests: [Request] = []
        requests.reserveCapacity(count)
        let users = corpus.users.count
        for index in 0..<count {
            let user = index % users
            let question = corpus.questionIndex(user: user, round: firstRound + index / users, salt: 0)
            let callback = try forger.textCallback(
                from: corpus.users[user], content: corpus.questions[question], msgID: firstMsgID + UInt64(index), now: now)
            var headers = HTTPHeaders()
            headers.reserveCapacity(3)
            headers.add(name: "Host", value: host)
            headers.add(name: "Content-Type", value: "text/xml")
            headers.add(name: "Content-Length", value: String(callback.body.utf8.count))
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: callback.uri, headers: headers)
            requests.append(
                Request(head: head, body: ByteBuffer(string: callback.body), user: Int32(user), question: Int32(question)))
        }
        return Workload(requests: requests)
    }
}
