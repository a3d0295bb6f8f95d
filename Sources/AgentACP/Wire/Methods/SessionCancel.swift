/// `session/cancel` (notification): stop the session's current turn now.
public enum SessionCancel: ACPNotification {
    public static let name = "session/cancel"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String

        public init(sessionId: String) { self.sessionId = sessionId }
    }
}
