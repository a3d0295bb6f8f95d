import AgentModel

/// `run/resume`: continues an interrupted or failed run from its ledger.
public enum RunResume: ControlMethod {
    public static let name = "run/resume"

    public struct Params: Codable, Sendable, Equatable {
        public var runID: RunID

        public init(runID: RunID) { self.runID = runID }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The run after `run.resumed` was committed (or its live state when it was already active).
        public var run: RunInfo

        public init(run: RunInfo) { self.run = run }
    }
}
