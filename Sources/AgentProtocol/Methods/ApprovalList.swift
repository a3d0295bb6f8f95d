import AgentModel

/// `approval/list`: tool calls waiting for a person's decision, of one run or of every active run.
public enum ApprovalList: ControlMethod {
    public static let name = "approval/list"

    public struct Params: Codable, Sendable, Equatable {
        /// Only this run's calls; every active run's when absent.
        public var runID: RunID?

        public init(runID: RunID? = nil) { self.runID = runID }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var approvals: [ApprovalInfo]

        public init(approvals: [ApprovalInfo]) { self.approvals = approvals }
    }
}
