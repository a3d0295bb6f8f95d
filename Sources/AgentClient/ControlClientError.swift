/// Why the client could not talk to agentd (errors the daemon sends arrive as `ControlError` instead).
public struct ControlClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// No socket file, or nothing listening on it.
        public static let notRunning = Code(rawValue: "not_running")
        /// The socket (or its directory) is not accessible to this user.
        public static let permissionDenied = Code(rawValue: "permission_denied")
        /// The connection closed before the answer arrived.
        public static let connectionClosed = Code(rawValue: "connection_closed")
        /// The daemon sent something this client cannot read.
        public static let protocolViolation = Code(rawValue: "protocol_violation")
        /// The socket, or the process listening on it, belongs to a user this client does not send requests to.
        public static let untrustedDaemon = Code(rawValue: "untrusted_daemon")
        /// Connecting failed for another reason.
        public static let connectFailed = Code(rawValue: "connect_failed")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
