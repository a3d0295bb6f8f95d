/// `session/close`: this editor stops following the session (the run itself goes on in agentd).
public enum SessionClose: ACPMethod {
    public static let name = "session/close"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String

        public init(sessionId: String) { self.sessionId = sessionId }
    }

    public typealias Result = ACPEmpty
}
