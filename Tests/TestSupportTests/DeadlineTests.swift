import AgentModel
import Foundation
import Testing
import TestSupport

/// A test's deadline holds even when what it waits for ignores cancellation (a blocked wait on a thread, as for a
/// child process that never exits): the test fails at the deadline instead of hanging the whole suite.
struct DeadlineTests {
    @Test func aDeadlineEndsAWaitThatIgnoresCancellationBeforeTheWaitEnds() async throws {
        let release = DispatchSemaphore(value: 0)
        let finished = SharedMutex(false)
        await #expect(throws: TestTimeout.self) {
            try await withTimeout(.milliseconds(100), "a blocked wait") {
                await withCheckedContinuation { continuation in
                    Thread {
                        // Bounded, so a deadline that waits for the operation fails this test instead of hanging it.
                        _ = release.wait(timeout: .now() + 30)
                        finished.exchange(true)
                        continuation.resume()
                    }.start()
                }
            }
        }
        #expect(!finished.current, "the deadline waited for the blocked operation to end")
        release.signal()
    }
}
