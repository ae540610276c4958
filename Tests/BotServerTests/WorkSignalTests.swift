import Testing

@testable import BotServer

@Suite("Waking the workers")
struct WorkSignalTests {
    @Test("A notification never gets lost, however it interleaves with waiting")
    func noLostWakeups() async {
        let signal = WorkSignal()
        let clock = ContinuousClock()
        for _ in 0..<200 {
            let start = clock.now
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await signal.wait(upTo: .seconds(10)) }
                group.addTask { await signal.notify() }
            }
            // Every round must end on its notification, long before the ten-second timeout.
            #expect(clock.now - start < .seconds(5))
        }
    }

    @Test("Without a notification the wait ends at its timeout")
    func timeout() async {
        let signal = WorkSignal()
        let start = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(50))
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }
}
