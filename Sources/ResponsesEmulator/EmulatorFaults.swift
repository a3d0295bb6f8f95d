/// Faults the emulator injects on purpose, to exercise a client's recovery paths.
///
/// All faults are off by default; each one mimics a failure seen against the real API.
public struct EmulatorFaults: Sendable, Equatable {
    /// Close the TCP connection abruptly (no close frame: the client sees 1006) after this many server frames
    /// on a WebSocket connection, or after this many events of an SSE stream. Counts every frame, errors included.
    public var dropAfterEvents: Int?
    /// Answer every WebSocket upgrade with HTTP 426 and a JSON error body (clients should fall back to HTTP/SSE).
    public var refuseUpgradeWith426: Bool
    /// Inject an event of an unknown type (`{"type":"keepalive","sequence_number":N}`) after every this many
    /// events of a response; it takes the next `sequence_number` of that response, like the real one.
    public var unknownEventEvery: Int?
    /// Make every continuation (`previous_response_id` set) fail with `previous_response_not_found`.
    public var forgetCachedResponses: Bool

    /// Creates a fault set; everything is off unless given.
    /// - Parameters:
    ///   - dropAfterEvents: see ``dropAfterEvents``.
    ///   - refuseUpgradeWith426: see ``refuseUpgradeWith426``.
    ///   - unknownEventEvery: see ``unknownEventEvery``.
    ///   - forgetCachedResponses: see ``forgetCachedResponses``.
    public init(
        dropAfterEvents: Int? = nil,
        refuseUpgradeWith426: Bool = false,
        unknownEventEvery: Int? = nil,
        forgetCachedResponses: Bool = false
    ) {
        self.dropAfterEvents = dropAfterEvents
        self.refuseUpgradeWith426 = refuseUpgradeWith426
        self.unknownEventEvery = unknownEventEvery
        self.forgetCachedResponses = forgetCachedResponses
    }
}
