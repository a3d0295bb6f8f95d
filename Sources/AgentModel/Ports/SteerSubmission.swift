/// What happened to a `response.steer` frame handed to an ``UpstreamLane``.
public enum SteerSubmission: Equatable, Sendable {
    /// Written to the connection; the response's stream stays open until the server answers the steer.
    case sent
    /// The lane's response had already ended (or none streams): nothing was written.
    case notStreaming
    /// This transport cannot steer (HTTP+SSE, or a test double): nothing was written.
    case unsupported
}

extension UpstreamLane {
    /// Transports without steering refuse every steer; queued input goes into the next `response.create`.
    public func steer(_ frame: String) async -> SteerSubmission { .unsupported }
}
