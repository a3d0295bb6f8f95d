/// What one response has used of its ``ResponseLimits``: a pure meter the turn loop feeds with each frame.
struct ResponseBudget: Sendable {
    /// Which limit a response went over.
    enum Exceeded: Equatable, Sendable {
        case bytes(limit: Int)
        case events(limit: Int)
        case duration(limit: Duration)

        /// The code of the `run.failed` event.
        var code: String {
            switch self {
            case .bytes: "response_too_large"
            case .events: "response_too_many_events"
            case .duration: "response_too_long"
            }
        }

        /// What the run's failure says, naming the setting.
        var reason: String {
            let what: String
            switch self {
            case .bytes(let limit): what = "streamed more than run.max_response_bytes (\(limit) bytes)"
            case .events(let limit): what = "streamed more than run.max_response_events (\(limit) events)"
            case .duration(let limit):
                what = "streamed for longer than run.max_response_ms (\(Int(limit / .milliseconds(1))) ms)"
            }
            return "the upstream response \(what); it was abandoned and not recorded further (resume the run to ask again)"
        }
    }

    let limits: ResponseLimits
    private(set) var bytes = 0
    private(set) var events = 0

    init(limits: ResponseLimits) { self.limits = limits }

    /// Accounts one frame of `frameBytes` arriving `elapsed` after the request was sent.
    ///
    /// - Returns: the limit the frame would go over (the frame is then not recorded), or nil.
    mutating func admit(frameBytes: Int, elapsed: Duration) -> Exceeded? {
        if elapsed > limits.maxDuration { return .duration(limit: limits.maxDuration) }
        if events + 1 > limits.maxEvents { return .events(limit: limits.maxEvents) }
        if bytes + frameBytes > limits.maxBytes { return .bytes(limit: limits.maxBytes) }
        events += 1
        bytes += frameBytes
        return nil
    }
}
