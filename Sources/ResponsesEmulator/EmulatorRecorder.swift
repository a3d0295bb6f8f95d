import Foundation

/// Everything the emulator saw and sent, for test assertions. Thread-safe.
public final class EmulatorRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var connectionLog: [RecordedConnection] = []
    private var httpLog: [RecordedHTTPRequest] = []
    private var violationLog: [String] = []

    /// Creates an empty recorder.
    public init() {}

    /// Every WebSocket connection so far, in accept order, with its frames up to now.
    public func connections() -> [RecordedConnection] {
        lock.withLock { connectionLog }
    }

    /// The body of every HTTP `POST /v1/responses` request so far, in arrival order.
    public func httpRequests() -> [String] {
        lock.withLock { httpLog.map(\.body) }
    }

    /// Every HTTP request so far (method, path, headers, body), in arrival order.
    public func recordedHTTPRequests() -> [RecordedHTTPRequest] {
        lock.withLock { httpLog }
    }

    /// Every broken request invariant so far, as a human-readable sentence.
    ///
    /// Recorded: a `function_call_output` answering no call of its chain, answering a call twice, a continuation
    /// that leaves a call of the chain unanswered, malformed client JSON and unknown client frame types.
    /// Not recorded: errors a correct client can provoke (unknown `previous_response_id`, limits, unknown models).
    public func violations() -> [String] {
        lock.withLock { violationLog }
    }

    /// Every frame text sent by clients on all connections, in per-connection order.
    public func allInboundFrames() -> [String] {
        lock.withLock { connectionLog.flatMap(\.inboundFrames) }
    }

    func openConnection(path: String, headers: [String: String]) -> Int {
        lock.withLock {
            let id = connectionLog.count + 1
            connectionLog.append(RecordedConnection(id: id, path: path, headers: headers))
            return id
        }
    }

    func recordInbound(connection id: Int, _ text: String) {
        lock.withLock { connectionLog[id - 1].inboundFrames.append(text) }
    }

    func recordOutbound(connection id: Int, _ text: String) {
        lock.withLock { connectionLog[id - 1].outboundFrames.append(text) }
    }

    func closeConnection(_ id: Int, reason: String) {
        lock.withLock { connectionLog[id - 1].closeReason = reason }
    }

    func recordHTTP(_ request: RecordedHTTPRequest) {
        lock.withLock { httpLog.append(request) }
    }

    func recordViolation(_ text: String) {
        lock.withLock { violationLog.append(text) }
    }
}
