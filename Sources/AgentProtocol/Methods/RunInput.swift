import AgentModel

/// `run/input`: adds user input to an active run.
///
/// While a response streams over the WebSocket transport the input is sent as `response.steer` (the server ends
/// the response at a safe boundary and continues with the input); while tools run, over HTTP+SSE, or when the
/// upstream answers `steering_not_supported`, it is queued for the next `response.create`. Either way it reaches
/// the model once. A retry with an `input_id` the run already has answers `applied: false`, even after the run
/// ended.
public enum RunInput: ControlMethod {
    public static let name = "run/input"

    public struct Params: IdempotentParams {
        public var runID: RunID
        /// The text of the user message (must not be empty).
        public var text: String
        /// Makes a retried input harmless: an id the run already has is not applied again. When absent the daemon
        /// uses `request_id` if given, else generates one.
        public var inputID: String?
        /// A client-chosen idempotency key.
        public var requestID: String?

        public init(runID: RunID, text: String, inputID: String? = nil, requestID: String? = nil) {
            self.runID = runID
            self.text = text
            self.inputID = inputID
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case text
            case inputID = "input_id"
            case requestID = "request_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var run: RunInfo
        /// `false` when the run already had this `input_id` (nothing was recorded).
        public var applied: Bool
        /// The input's id (the client's, or the one the daemon chose).
        public var inputID: String

        public init(run: RunInfo, applied: Bool, inputID: String) {
            self.run = run
            self.applied = applied
            self.inputID = inputID
        }

        enum CodingKeys: String, CodingKey {
            case run, applied
            case inputID = "input_id"
        }
    }
}
