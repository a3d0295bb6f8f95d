import AgentModel

/// `approval/resolve`: approves or denies a waiting tool call; the first decision wins.
///
/// The decision is recorded with the client's name (from `initialize`) and the peer's uid (from the kernel).
public enum ApprovalResolve: ControlMethod {
    public static let name = "approval/resolve"

    public struct Params: IdempotentParams {
        public var runID: RunID
        public var callID: String
        /// `true` runs the call, `false` answers the model that the user denied it.
        public var approve: Bool
        /// Recorded with the decision; a denial's reason is passed to the model.
        public var reason: String?
        /// A client-chosen idempotency key.
        public var requestID: String?

        public init(runID: RunID, callID: String, approve: Bool, reason: String? = nil, requestID: String? = nil) {
            self.runID = runID
            self.callID = callID
            self.approve = approve
            self.reason = reason
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case callID = "call_id"
            case approve, reason
            case requestID = "request_id"
        }
    }

    /// Whether this decision was the one recorded.
    public enum Outcome: String, Codable, Sendable, Equatable {
        /// This decision was recorded.
        case resolved
        /// An earlier decision was recorded first; `approved` says what it was.
        case alreadyResolved = "already_resolved"
    }

    public struct Result: Codable, Sendable, Equatable {
        public var outcome: Outcome
        /// The decision in force: this one when `resolved`, the earlier one when `already_resolved`.
        public var approved: Bool
        /// Who made the earlier decision, when `already_resolved` (absent when `resolved`: the caller did).
        public var decidedBy: DecidedBy?

        public init(outcome: Outcome, approved: Bool, decidedBy: DecidedBy? = nil) {
            self.outcome = outcome
            self.approved = approved
            self.decidedBy = decidedBy
        }

        enum CodingKeys: String, CodingKey {
            case outcome, approved
            case decidedBy = "decided_by"
        }
    }

    /// The maker of a recorded decision, as the ledger has it.
    public struct DecidedBy: Codable, Sendable, Equatable {
        /// The client's name from `initialize`.
        public var client: String?
        /// The peer's uid from the kernel.
        public var uid: UInt32?
        /// The peer's pid from the kernel (absent for decisions recorded before agentd kept it).
        public var pid: Int32?
        /// The peer's controlling terminal (`pts/3`), when it had one.
        public var tty: String?

        public init(client: String?, uid: UInt32?, pid: Int32? = nil, tty: String? = nil) {
            self.client = client
            self.uid = uid
            self.pid = pid
            self.tty = tty
        }
    }
}
