import AgentModel

/// `run/cancel`: stops a run, at once or after the running tool; a cancelled run cannot be resumed.
public enum RunCancel: ControlMethod {
    public static let name = "run/cancel"

    /// How the run stops.
    public enum Mode: String, Codable, Sendable, Equatable, CaseIterable {
        /// Abandon the streaming response and kill running tools.
        case now
        /// Let the running tool finish, then stop before the next request.
        case afterTool = "after_tool"
    }

    public struct Params: IdempotentParams {
        public var runID: RunID
        /// Default `now`.
        public var mode: Mode?
        /// Recorded in `run.cancelled`; the daemon names the client when absent.
        public var reason: String?
        /// A client-chosen idempotency key.
        public var requestID: String?

        public init(runID: RunID, mode: Mode? = nil, reason: String? = nil, requestID: String? = nil) {
            self.runID = runID
            self.mode = mode
            self.reason = reason
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case mode, reason
            case requestID = "request_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The run right after the request was taken; an active run may still show `running` until it stops.
        public var run: RunInfo

        public init(run: RunInfo) { self.run = run }
    }
}
