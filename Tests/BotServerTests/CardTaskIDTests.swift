import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// Card task ids never repeat across installs: WeCom refuses a task id it has seen for the app, and a
/// fresh database numbers its tickets from #1001 again.
@Suite("Card task ids: unique across installs")
struct CardTaskIDTests {
    @Test("A database gets one install id at its creation and keeps it across restarts; another database gets another")
    func installID() throws {
        let first = try TemporaryDirectory()
        let id = try AppDatabase.open(in: first.url).writer.read { db in try CardTaskID.install(in: db) }
        #expect(id.count == 12 && id.allSatisfy(\.isHexDigit))
        #expect(try AppDatabase.open(in: first.url).writer.read { db in try CardTaskID.install(in: db) } == id)
        let second = try TemporaryDirectory()
        #expect(try AppDatabase.open(in: second.url).writer.read { db in try CardTaskID.install(in: db) } != id)
        #expect(CardTaskID.taskID(ofCard: "sd-t1001-1", install: id) == "sd-t1001-1-" + id)
    }

    @Test("Reinstalled with a fresh database, the server's first ticket is offered with a card WeCom takes again")
    func reinstall() async throws {
        let fixture = TestWeCom.fixture
        // One WeCom app across both installs: it remembers every task id it was sent.
        try await FakeWeComServer.with { wecom in
            await TicketFlowTests.addPeople(wecom)
            var taskIDs: [String] = []
            for install in 1...2 {
                let data = try TemporaryDirectory()
                let configuration = try TestConfiguration.make(data: data.url, apiBase: wecom.baseURL)
                let app = try await buildApplication(
                    configuration, engines: TestConfiguration.engines, clock: ManualWallClock(TicketFlowTests.morning))
                try await app.test(.live) { client in
                    try await waitForFirstCalibration(client)
                    try await client.post(
                        try fixture.text(from: "wangwu", "我们广州这边门店周末的促销活动怎么安排？", msgID: UInt64(91000 + install)))
                    #expect(await eventually { await TicketFlowTests.cards(wecom, to: "hq_amy").count == install })
                    #expect(databaseValue(data.url, "SELECT MAX(number) FROM ticket", as: Int.self) == 1001)
                }
                taskIDs = await TicketFlowTests.cards(wecom, to: "hq_amy").map(\.taskID)
            }
            #expect(taskIDs.count == 2 && taskIDs[0] != taskIDs[1])
            #expect(taskIDs.allSatisfy { $0.hasPrefix("sd-t1001-1-") })
            #expect(await wecom.state.repeatedTaskIDs.isEmpty)
        }
    }
}
