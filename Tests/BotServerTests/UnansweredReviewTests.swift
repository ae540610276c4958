import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// Admins review what the bot handed over: list it, add a question to an entry so the bot answers it
/// from then on, or dismiss it.
@Suite("Reviewing unanswered questions")
struct UnansweredReviewTests {
    let fixture = TestWeCom.fixture
    static let auth = AskTests.auth

    private func get(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        let response = try await client.execute(uri: uri, method: .get, headers: Self.auth)
        #expect(response.status == .ok)
        return jsonObject(response)
    }

    private func post(_ client: any TestClientProtocol, _ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: Self.auth, body: ByteBuffer(string: body))
    }

    @Test("Handed-over questions are listed newest first; adding one to an entry makes it that entry's phrasing")
    func addToEntry() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "lisi", "转人工", msgID: 40001))
            #expect(await databaseEventually(dataURL, "SELECT count(*) FROM unanswered_question", is: 1))
            try await client.post(try fixture.text(from: "wangwu", "仓库的叉车坏了谁来修", msgID: 40002))
            #expect(await databaseEventually(dataURL, "SELECT count(*) FROM unanswered_question", is: 2))

            let listed = try await get(client, "/api/v1/unanswered")
            let questions = try #require(listed["questions"] as? [[String: Any]])
            #expect(questions.map { $0["text"] as? String } == ["仓库的叉车坏了谁来修", "转人工"])
            #expect(questions.first?["reasons"] as? [String] == ["not_covered"])
            #expect(questions.first?["user"] as? String == "wangwu")
            #expect((listed["counts"] as? [String: Int])?["open"] == 2)
            let declined = try #require(questions.first?["id"] as? Int)

            let before = jsonObject(try await post(client, "/api/v1/ask", #"{"text":"仓库的叉车坏了谁来修"}"#))
            #expect((before["top"] as? [[String: Any]])?.first?["id"] as? String != "operations-005")
            let added = try await post(client, "/api/v1/unanswered/\(declined)/add-to-entry", #"{"entry":"operations-005"}"#)
            #expect(added.status == .ok)
            let body = jsonObject(added)
            #expect((body["question"] as? [String: Any])?["review"] as? String == "added_to_entry")
            #expect(((body["entry"] as? [String: Any])?["similar"] as? [String])?.contains("仓库的叉车坏了谁来修") == true)
            // Live at once: the dry run now ranks that entry first for the question.
            let ask = jsonObject(try await post(client, "/api/v1/ask", #"{"text":"仓库的叉车坏了谁来修"}"#))
            #expect((ask["top"] as? [[String: Any]])?.first?["id"] as? String == "operations-005")

            let open = try await get(client, "/api/v1/unanswered?reason=requested_human")
            #expect((open["questions"] as? [[String: Any]])?.map { $0["text"] as? String } == ["转人工"])
            let reviewed = try await get(client, "/api/v1/unanswered?review=added_to_entry")
            #expect((reviewed["questions"] as? [[String: Any]])?.first?["entry"] as? String == "operations-005")
            #expect((reviewed["counts"] as? [String: Int]) == ["open": 1, "added_to_entry": 1, "dismissed": 0])

            // A question is reviewed once.
            let again = try await post(client, "/api/v1/unanswered/\(declined)/dismiss", "{}")
            #expect(again.status == .conflict)
        }
    }

    @Test("Dismissing keeps a note; bad ids, entries and filters get clear errors")
    func dismissAndErrors() async throws {
        try await withLiveServer { client, _, dataURL in
            try await client.post(try fixture.text(from: "lisi", "转人工", msgID: 41001))
            #expect(await databaseEventually(dataURL, "SELECT count(*) FROM unanswered_question", is: 1))
            let id = try #require(databaseValue(dataURL, "SELECT id FROM unanswered_question", as: Int.self))

            let unknownEntry = try await post(client, "/api/v1/unanswered/\(id)/add-to-entry", #"{"entry":"no-such"}"#)
            #expect(unknownEntry.status == .notFound)
            #expect(jsonObject(unknownEntry)["error"] as? String == "no entry \"no-such\"")
            #expect(try await post(client, "/api/v1/unanswered/\(id)/add-to-entry", "{}").status == .badRequest)
            #expect(try await post(client, "/api/v1/unanswered/999/dismiss", "{}").status == .notFound)
            let badFilter = try await client.execute(uri: "/api/v1/unanswered?review=maybe", method: .get, headers: Self.auth)
            #expect(badFilter.status == .badRequest)

            let dismissed = try await post(client, "/api/v1/unanswered/\(id)/dismiss", #"{"note":"handled by phone"}"#)
            #expect(dismissed.status == .ok)
            let question = try #require(jsonObject(dismissed)["question"] as? [String: Any])
            #expect(question["review"] as? String == "dismissed")
            #expect(question["note"] as? String == "handled by phone")
            #expect(question["reviewed_by"] as? String == "admin")
            #expect(((try await get(client, "/api/v1/unanswered"))["questions"] as? [[String: Any]])?.isEmpty == true)
            let all = try await get(client, "/api/v1/unanswered?review=all")
            #expect((all["questions"] as? [[String: Any]])?.count == 1)
            let unauthorized = try await client.execute(uri: "/api/v1/unanswered", method: .get)
            #expect(unauthorized.status == .unauthorized)
        }
    }

    @Test("Answers rated “没用” are listed for admins, newest first, with counts")
    func unhelpfulAnswers() async throws {
        try await withLiveServer { client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "调拨单在哪查", msgID: 42001))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            try await client.post(try fixture.text(from: "wangwu", "没用", msgID: 42002))
            try await client.post(try fixture.text(from: "lisi", "调拨单在哪查", msgID: 42003))
            #expect(await eventually { await wecom.state.texts(to: "lisi").count == 1 })
            try await client.post(try fixture.text(from: "lisi", "有用", msgID: 42004))
            #expect(
                await databaseEventually(dataURL, "SELECT count(*) FROM question_log WHERE helpful IS NOT NULL", is: 2))

            let unhelpful = try await get(client, "/api/v1/feedback")
            let answers = try #require(unhelpful["answers"] as? [[String: Any]])
            #expect(answers.count == 1)
            #expect(answers.first?["user"] as? String == "wangwu")
            #expect(answers.first?["entry"] as? String == "logistics-001")
            #expect(answers.first?["helpful"] as? Bool == false)
            #expect((unhelpful["counts"] as? [String: Int]) == ["helpful": 1, "unhelpful": 1])
            let all = try await get(client, "/api/v1/feedback?helpful=all")
            #expect((all["answers"] as? [[String: Any]])?.map { $0["user"] as? String } == ["lisi", "wangwu"])
            let bad = try await client.execute(uri: "/api/v1/feedback?helpful=maybe", method: .get, headers: Self.auth)
            #expect(bad.status == .badRequest)
        }
    }
}
