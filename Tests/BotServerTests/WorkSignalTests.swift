import Testing

@testable import BotServer

@Suite("Waking the workers")
struct WorkSignalTests {
    @Test("A notification never gets lost, however it interleaves with waiting")
    func noLostWakeups() async {
        let signal = WorkSignal()
        for _ in 0..<200 {
            let notified = await withTaskGroup(of: Bool?.self) { group in
                group.addTask { await signal.wait(upTo: .seconds(30)) }
                group.addTask {
                    await signal.notify()
                    return nil
                }
                var result: Bool?
                for await value in group where value != nil { result = value }
                return result
            }
            // Every round ends on its notification, never on the timeout.
            #expect(notified == true)
        }
    }

    @Test("Without a notification the wait ends at its timeout")
    func timeout() async {
        let signal = WorkSignal()
        let start = ContinuousClock.now
        #expect(await signal.wait(upTo: .milliseconds(50)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }
}
