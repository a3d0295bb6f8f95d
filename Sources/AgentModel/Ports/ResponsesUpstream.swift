/// Where responses come from: a pool of upstream connections (implemented by `AgentUpstream`).
public protocol ResponsesUpstream: Sendable {
    /// Reserves a lane for `run` (waiting fairly if all are busy). The run keeps it between turns.
    func lease(for run: RunID) async throws -> any UpstreamLane

    /// Posts `body` to `POST /responses/compact` and returns the answer as one frame: the `response.compaction`
    /// object, or a WebSocket-shaped `error` frame (`{"type":"error","status":N,"error":{…},"headers"?:{…}}`) for
    /// a non-2xx answer.
    ///
    /// - Throws: ``UpstreamFailure`` when the server cannot be reached or the answer is cut short.
    func compact(_ body: String) async throws -> String

    /// Why a lease would wait now: no connection is open and the last attempt failed (`nil` when none of that).
    func connectionTrouble() async -> UpstreamTrouble?
}

/// The upstream has no open connection: what the last attempt met, and when the next one starts.
public struct UpstreamTrouble: Hashable, Sendable {
    /// In words, without credentials (e.g. `no connection to wss://…: cannot connect to …: connection refused`).
    public var message: String
    /// Milliseconds until the next connect attempt (0 when one is under way).
    public var nextAttemptMillis: Int

    public init(message: String, nextAttemptMillis: Int) {
        self.message = message
        self.nextAttemptMillis = nextAttemptMillis
    }
}

extension ResponsesUpstream {
    /// An upstream that does not say why it waits.
    public func connectionTrouble() async -> UpstreamTrouble? { nil }

    /// Upstreams without an HTTP endpoint cannot compact.
    public func compact(_ body: String) async throws -> String {
        throw UpstreamFailure(code: .connectFailed, message: "this upstream has no /responses/compact endpoint")
    }
}

/// One place on one upstream connection where a run's responses are streamed, one at a time.
public protocol UpstreamLane: Sendable {
    /// The `stream_id` to put in every `response.create` sent on this lane, or `nil` for the default lane.
    var streamID: String? { get }

    /// Whether the connection behind this lane still holds the server's continuation cache.
    var isUsable: Bool { get }

    /// Keeps the lane for the run's next request and says whether it still holds the run's chain.
    ///
    /// A pool may give an idle lane to another run between turns; once this returns `true` the lane stays with the
    /// run until its next response ends (or its connection goes). `false`: release it, lease again and resend the
    /// full context.
    func reserve() async -> Bool

    /// Sends one `response.create` frame (exactly these bytes) and yields every server frame of that
    /// response, in order, ending after its terminal frame.
    ///
    /// - Throws: ``UpstreamFailure`` from the sequence when the connection fails; `framesReceived` says
    ///   whether any frame of the response had arrived (then the request must not be replayed as is).
    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error>

    /// Sends a `response.steer` frame for the response streaming on this lane (exactly these bytes), keeping
    /// that response's stream open until the server accepts, holds or refuses the steer.
    func steer(_ frame: String) async -> SteerSubmission

    /// Gives the lane back to the pool.
    func release() async
}

extension UpstreamLane {
    /// Lanes that are never taken back while held: ``isUsable``.
    public func reserve() async -> Bool { isUsable }
}

/// A transport-level failure of an upstream request.
public struct UpstreamFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public enum Code: String, Sendable {
        /// Could not connect or upgrade.
        case connectFailed = "connect_failed"
        /// The connection dropped or was closed.
        case connectionLost = "connection_lost"
        /// No frame arrived within the idle-stream timeout.
        case idleTimeout = "idle_timeout"
        /// The pool is shutting down.
        case shutdown
        /// The server broke the protocol (a frame that is not a JSON event, or one over the frame size limit): the
        /// connection was closed at once instead of waiting for a terminal frame that may never come.
        case protocolViolation = "protocol_violation"
    }

    public var code: Code
    public var message: String
    /// Frames of the failed response received before the failure.
    public var framesReceived: Int

    public init(code: Code, message: String, framesReceived: Int = 0) {
        self.code = code
        self.message = message
        self.framesReceived = framesReceived
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
