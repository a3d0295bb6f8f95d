import AgentModel

/// `run/get`: the current state of one run.
public enum RunGet: ControlMethod {
    public static let name = "run/get"

    public struct Params: Codable, Sendable, Equatable {
        public var runID: RunID

        public init(runID: RunID) { self.runID = runID }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var run: RunInfo

        public init(run: RunInfo) { self.run = run }
    }
}
