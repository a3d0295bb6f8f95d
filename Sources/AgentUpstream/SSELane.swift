import AgentModel

/// A lease on the HTTP+SSE transport: at most one request in flight, and no continuation cache.
///
/// `isUsable` turns `false` once a request was sent, because a `store:false` response cannot be continued over
/// HTTP: the engine then releases the lane, leases again and resends the full conversation (a new lane is cheap:
/// it is only a permit). Sending again on a spent lane is allowed (with full context), one request at a time.
final class SSELane: UpstreamLane {
    private struct State {
        var released = false
        var spent = false
        var inFlight = false
    }

    let streamID: String? = nil
    private let upstream: SSEUpstream
    private let state = SharedMutex(State())

    init(upstream: SSEUpstream) {
        self.upstream = upstream
    }

    var isUsable: Bool { state.withLock { !$0.released && !$0.spent } }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        let refusal: UpstreamLaneError? = state.withLock { state in
            if state.released { return UpstreamLaneError(code: .released, message: "send on a released lane") }
            if state.inFlight {
                return UpstreamLaneError(
                    code: .responseInFlight, message: "the SSE lane still has a response in flight")
            }
            state.inFlight = true
            state.spent = true
            return nil
        }
        if let refusal { throw refusal }
        let state = self.state
        do {
            return try await upstream.send(frame) { state.withLock { $0.inFlight = false } }
        } catch {
            state.withLock { $0.inFlight = false }
            throw error
        }
    }

    func release() async {
        guard
            !state.withLock({ state in
                defer { state.released = true }
                return state.released
            })
        else { return }
        await upstream.releasePermit()
    }
}
