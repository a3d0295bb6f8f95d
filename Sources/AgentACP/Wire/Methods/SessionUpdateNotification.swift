/// `session/update` (agent → editor notification): one change of a session's conversation.
public enum SessionUpdateNotification: ACPNotification {
    public static let name = "session/update"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String
        public var update: SessionUpdate

        public init(sessionId: String, update: SessionUpdate) {
            self.sessionId = sessionId
            self.update = update
        }
    }
}
