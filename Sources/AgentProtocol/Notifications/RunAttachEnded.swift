import AgentModel

/// `run/attach_ended`: the last message of a subscription; reattach from `next_seq` to lose nothing.
public enum RunAttachEnded: ControlNotification {
    public static let name = "run/attach_ended"

    public struct Params: Codable, Sendable, Equatable {
        public var subscriptionID: String
        public var runID: RunID
        public var reason: AttachEndReason
        /// The first seq this subscription did not deliver.
        public var nextSeq: Int64

        public init(subscriptionID: String, runID: RunID, reason: AttachEndReason, nextSeq: Int64) {
            self.subscriptionID = subscriptionID
            self.runID = runID
            self.reason = reason
            self.nextSeq = nextSeq
        }

        enum CodingKeys: String, CodingKey {
            case subscriptionID = "subscription_id"
            case runID = "run_id"
            case reason
            case nextSeq = "next_seq"
        }
    }
}
