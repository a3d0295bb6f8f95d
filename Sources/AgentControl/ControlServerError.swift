/// Why the control server could not start or serve.
public struct ControlServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// Another process answers on the socket path.
        public static let alreadyRunning = Code(rawValue: "already_running")
        /// The path is too long, abstract, or names something that is not a socket.
        public static let invalidSocketPath = Code(rawValue: "invalid_socket_path")
        /// The socket directory could not be created or inspected.
        public static let socketDirectory = Code(rawValue: "socket_directory")
        /// `bind`/`listen` failed.
        public static let bindFailed = Code(rawValue: "bind_failed")
        /// `start()` was called twice, or after shutdown.
        public static let invalidState = Code(rawValue: "invalid_state")
        /// SO_PEERCRED could not be read.
        public static let peerCredentialsUnavailable = Code(rawValue: "peer_credentials_unavailable")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
