/// `$/cancel_request` (notification, agent → editor here): the answer to an open request is no longer needed.
///
/// `agentctl acp` sends it when a permission request it opened was settled elsewhere (another client decided
/// first, or a rule did) or its session was closed, so the editor closes the question instead of leaving it open.
public enum CancelRequest: ACPNotification {
    public static let name = "$/cancel_request"

    public struct Params: Codable, Sendable, Equatable {
        /// The id of the request to cancel.
        public var requestId: Int64

        public init(requestId: Int64) { self.requestId = requestId }
    }
}
