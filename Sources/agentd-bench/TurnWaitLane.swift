import AgentModel
import Synchronization

/// Passes a lane through, recording how long each request waited before it went out: the time in `send` (an
/// active slot of the connection, then the write) plus, for the lane's first request, the lease's own wait.
final class TurnWaitLane: UpstreamLane {
    private let inner: any UpstreamLane
    private let waits: LeaseWaitLog
    private let kinds: RequestKindCount
    /// The lease's wait, added to the first request's (`nil` once used).
    private let leaseWait: Mutex<Duration?>

    init(inner: any UpstreamLane, leaseWait: Duration, waits: LeaseWaitLog, kinds: RequestKindCount) {
        self.inner = inner
        self.waits = waits
        self.kinds = kinds
        self.leaseWait = Mutex(leaseWait)
    }

    var streamID: String? { inner.streamID }
    var isUsable: Bool { inner.isUsable }

    func reserve() async -> Bool { await inner.reserve() }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        let start = ContinuousClock.now
        let frames = try await inner.send(frame)
        let sendWait = ContinuousClock.now - start
        let leased = leaseWait.withLock { wait in
            defer { wait = nil }
            return wait ?? .zero
        }
        waits.append(leased + sendWait)
        kinds.count(frame)
        return frames
    }

    func steer(_ frame: String) async -> SteerSubmission { await inner.steer(frame) }

    func release() async { await inner.release() }
}
