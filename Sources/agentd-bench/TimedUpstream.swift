import AgentModel

/// Wraps the pool so the benchmark sees when a response's terminal frame reaches the engine and when the
/// next request has been written.
struct TimedUpstream: ResponsesUpstream {
    let inner: any ResponsesUpstream
    let clock: TurnClock

    func lease(for run: RunID) async throws -> any UpstreamLane {
        TimedLane(inner: try await inner.lease(for: run), clock: clock)
    }
}

struct TimedLane: UpstreamLane {
    let inner: any UpstreamLane
    let clock: TurnClock

    var streamID: String? { inner.streamID }
    var isUsable: Bool { inner.isUsable }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        clock.sendCalled()
        let frames = try await inner.send(frame)
        clock.requestWritten()
        let clock = self.clock
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await text in frames {
                        if text.contains("\"response.completed\"") { clock.completedReceived() }
                        continuation.yield(text)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func release() async { await inner.release() }
}

/// Wraps the tools so their own run time can be subtracted.
struct TimedTools: ToolExecutor {
    let inner: any ToolExecutor
    let clock: TurnClock

    func definitions(for names: [String]) throws -> [JSONValue] { try inner.definitions(for: names) }

    func execute(_ call: ToolInvocation) async -> ToolOutcome {
        let start = ContinuousClock.now
        let outcome = await inner.execute(call)
        clock.toolRan(from: start, to: .now)
        return outcome
    }
}
