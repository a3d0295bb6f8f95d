import AgentModel

/// A lease on one lane of a ``WebSocketPool`` connection.
///
/// Between turns the pool may give the lane to another run (``reserve()`` then says `false`); `send` waits for one of
/// the connection's active slots.
///
/// `send` **throws** ``UpstreamLaneError`` (`.responseInFlight`) rather than waiting when the previous response on
/// this lane has not reached its terminal frame: the engine consumes every stream to its end before the next turn,
/// so a second send is a bug to surface, and the protocol forbids two creates in flight on one lane.
final class PooledLane: UpstreamLane {
    let streamID: String?
    let ticket: LeaseTicket
    private let pool: WebSocketPool
    private let connectionEpoch: SharedMutex<Int>
    /// Set by the pool when another run took this idle lane over.
    private let revoked: SharedMutex<Bool>
    private let released = SharedMutex(false)

    init(
        ticket: LeaseTicket, streamID: String?, pool: WebSocketPool, connectionEpoch: SharedMutex<Int>,
        revoked: SharedMutex<Bool>
    ) {
        self.ticket = ticket
        self.streamID = streamID
        self.pool = pool
        self.connectionEpoch = connectionEpoch
        self.revoked = revoked
    }

    var isUsable: Bool { !released.current && connectionEpoch.current == ticket.epoch && !revoked.current }

    func reserve() async -> Bool {
        guard isUsable else { return false }
        return await pool.reserve(ticket)
    }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        guard !released.current else {
            throw UpstreamLaneError(code: .released, message: "send on a released lane")
        }
        return try await pool.send(frame, on: ticket)
    }

    func steer(_ frame: String) async -> SteerSubmission {
        guard isUsable else { return .notStreaming }
        return await pool.steer(frame, on: ticket)
    }

    func release() async {
        guard !released.exchange(true) else { return }
        await pool.release(ticket)
    }
}
