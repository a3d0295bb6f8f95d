import AgentModel

/// `run/fork`: a new run holding a run's conversation up to and including one of its turns.
///
/// The fork is `idle` until `run/prompt`; its ledger carries the conversation (`run.forked`), so it never needs the
/// parent again. Both runs then go on independently.
public enum RunFork: ControlMethod {
    public static let name = "run/fork"

    public struct Params: IdempotentParams {
        public var runID: RunID
        /// The last turn the fork holds (1-based); the parent's last ended turn when absent.
        public var atTurn: Int?
        /// A client-chosen idempotency key: the same key twice returns the same fork.
        public var requestID: String?

        public init(runID: RunID, atTurn: Int? = nil, requestID: String? = nil) {
            self.runID = runID
            self.atTurn = atTurn
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case atTurn = "at_turn"
            case requestID = "request_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The new run.
        public var run: RunInfo

        public init(run: RunInfo) { self.run = run }
    }
}
