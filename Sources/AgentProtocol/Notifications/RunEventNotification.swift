import AgentModel

/// `run/event`: one ledger event of an attached run.
public enum RunEventNotification: ControlNotification {
    public static let name = "run/event"

    public struct Params: Codable, Sendable, Equatable {
        public var subscriptionID: String
        public var runID: RunID
        /// The event as stored; `payload` is JSON text.
        public var event: LedgerEvent

        public init(subscriptionID: String, runID: RunID, event: LedgerEvent) {
            self.subscriptionID = subscriptionID
            self.runID = runID
            self.event = event
        }

        enum CodingKeys: String, CodingKey {
            case subscriptionID = "subscription_id"
            case runID = "run_id"
            case event
        }
    }
}
