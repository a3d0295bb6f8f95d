/// Frame-level misbehaviour of a hostile model (see ``HostileModel``), played by ``WebSocketSession``.
enum HostileStream: Equatable, Sendable {
    /// Text deltas of `deltaBytes` bytes, one every `interval`, for ever.
    case flood(deltaBytes: Int, interval: Duration)
    /// A one-character delta every `interval`, for ever.
    case trickle(interval: Duration)
    /// `response.created`, then a text frame that is not JSON, then nothing.
    case malformed
}
