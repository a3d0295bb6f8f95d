/// `session/list`: agentd's runs, newest first, optionally only those in one working directory.
public enum SessionList: ACPMethod {
    public static let name = "session/list"

    public struct Params: Codable, Sendable, Equatable {
        public var cwd: String?
        public var cursor: String?

        public init(cwd: String? = nil, cursor: String? = nil) {
            self.cwd = cwd
            self.cursor = cursor
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var sessions: [SessionInfo]
        public var nextCursor: String?

        public init(sessions: [SessionInfo], nextCursor: String? = nil) {
            self.sessions = sessions
            self.nextCursor = nextCursor
        }
    }

    /// One listed session.
    public struct SessionInfo: Codable, Sendable, Equatable {
        public var sessionId: String
        public var cwd: String
        /// The first prompt (its first line, shortened).
        public var title: String?
        /// ISO 8601 time of the last event.
        public var updatedAt: String?

        public init(sessionId: String, cwd: String, title: String?, updatedAt: String?) {
            self.sessionId = sessionId
            self.cwd = cwd
            self.title = title
            self.updatedAt = updatedAt
        }
    }
}
