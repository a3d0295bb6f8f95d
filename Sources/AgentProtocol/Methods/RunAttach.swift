import AgentModel

/// `run/attach`: streams a run's events as `run/event` notifications, then one `run/attach_ended`.
///
/// History from the requested point comes first, then live events, in seq order with no gaps. At most one of
/// `from_seq`, `from_end` and `last` may be given.
public enum RunAttach: ControlMethod {
    public static let name = "run/attach"

    public struct Params: Codable, Sendable, Equatable {
        public var runID: RunID
        /// The first seq to deliver (default 0: the whole history).
        public var fromSeq: Int64?
        /// Only events committed after the attach.
        public var fromEnd: Bool?
        /// The last `last` committed events, then live ones.
        public var last: Int?
        /// Follow the conversation across turns: the subscription does not end when a turn ends (no `run_ended`,
        /// no `run_not_active`) but delivers the next turns' events as they come, until `run/detach`.
        public var acrossTurns: Bool? = nil

        public init(runID: RunID, fromSeq: Int64? = nil, fromEnd: Bool? = nil, last: Int? = nil) {
            self.runID = runID
            self.fromSeq = fromSeq
            self.fromEnd = fromEnd
            self.last = last
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case fromSeq = "from_seq"
            case fromEnd = "from_end"
            case last
            case acrossTurns = "across_turns"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var run: RunInfo
        /// Names the stream in `run/event`, `run/attach_ended` and `run/detach`.
        public var subscriptionID: String

        public init(run: RunInfo, subscriptionID: String) {
            self.run = run
            self.subscriptionID = subscriptionID
        }

        enum CodingKeys: String, CodingKey {
            case run
            case subscriptionID = "subscription_id"
        }
    }
}
