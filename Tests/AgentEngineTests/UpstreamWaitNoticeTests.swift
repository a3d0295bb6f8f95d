import AgentModel
import Logging
import Synchronization
import Testing

@testable import AgentEngine

/// A run whose lease waits on an upstream without a connection says so (issue 13 item 7): one `run.retry_scheduled`
/// with code `no_connection`, the connect error and the next attempt, long before the connect timeout.
struct UpstreamWaitNoticeTests {
    /// No connection: a lease waits until the test lets it fail (or 10 s pass, a deadline for a broken test).
    final class DisconnectedUpstream: ResponsesUpstream {
        let giveUp = Mutex(false)

        func lease(for run: RunID) async throws -> any UpstreamLane {
            let deadline = ContinuousClock.now + .seconds(10)
            while !giveUp.withLock({ $0 }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            throw UpstreamFailure(code: .connectFailed, message: "no connection within the connect timeout")
        }

        func connectionTrouble() async -> UpstreamTrouble? {
            UpstreamTrouble(message: "no connection to ws://x/v1 (connection refused)", nextAttemptMillis: 1500)
        }
    }

    @Test func aLeaseWaitingOnAnUnreachableUpstreamIsAnnouncedOnce() async throws {
        let upstream = DisconnectedUpstream()
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        var configuration = EngineConfiguration(defaultModel: "m", maxTurnAttempts: 1)
        configuration.upstreamWaitNotice = .milliseconds(10)
        let manager = RunManager(
            store: store, upstream: upstream, tools: RecordingTools(blocking: false, idempotent: []), hub: hub,
            configuration: configuration, logger: Logger(label: "test"))
        let started = try await manager.start(StartRunRequest(prompt: "go", cwd: "/tmp"))
        let events = try await withThrowingTaskGroup(of: [LedgerEvent]?.self) { group in
            group.addTask {
                await manager.run()
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                throw UpstreamFailure(code: .idleTimeout, message: "the run did not end within 20 s")
            }
            group.addTask {
                var seen: [LedgerEvent] = []
                for try await item in manager.feed(started.id, fromSeq: 0) {
                    guard case .event(let event) = item else { break }
                    seen.append(event)
                    // Several notice intervals pass while the lease waits; only then may it fail.
                    if event.type == RunEventType.retryScheduled {
                        try await Task.sleep(for: .milliseconds(50))
                        upstream.giveUp.withLock { $0 = true }
                    }
                }
                return seen
            }
            defer {
                manager.stopAccepting()
                group.cancelAll()
            }
            while let result = try await group.next() {
                if let result { return result }
            }
            return []
        }
        let waits = try events.filter { $0.type == RunEventType.retryScheduled }.map {
            try JSONCoding.decode(RetryScheduled.self, from: $0.payload)
        }
        #expect(
            waits == [
                RetryScheduled(
                    code: "no_connection", message: "no connection to ws://x/v1 (connection refused)",
                    delayMillis: 1500, attempt: 1, serverAsked: false)
            ])
        #expect(events.last?.type == RunEventType.failed)
    }
}
