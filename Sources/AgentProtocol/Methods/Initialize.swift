/// `initialize`: the handshake every connection starts with; anything else first is refused.
public enum Initialize: ControlMethod {
    public static let name = "initialize"

    /// The client's protocol version and who it is.
    public struct Params: Codable, Sendable, Equatable {
        /// `major.minor`; a major other than the daemon's is refused with `unsupported_protocol_version`.
        public var protocolVersion: String
        public var client: ClientInfo

        public init(protocolVersion: String = ProtocolVersion.current.description, client: ClientInfo) {
            self.protocolVersion = protocolVersion
            self.client = client
        }

        enum CodingKeys: String, CodingKey {
            case protocolVersion = "protocol_version"
            case client
        }
    }

    /// The daemon's protocol version, identity and capabilities.
    public struct Result: Codable, Sendable, Equatable {
        public var protocolVersion: String
        public var daemon: DaemonInfo
        /// Feature names a client may test for (new ones may appear at any time).
        public var capabilities: [String]

        public init(protocolVersion: String, daemon: DaemonInfo, capabilities: [String]) {
            self.protocolVersion = protocolVersion
            self.daemon = daemon
            self.capabilities = capabilities
        }

        enum CodingKeys: String, CodingKey {
            case protocolVersion = "protocol_version"
            case daemon, capabilities
        }
    }

    /// Name and version of a client program (e.g. `agentctl 0.1.0`).
    public struct ClientInfo: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    /// Name and version of the daemon (`agentd`).
    public struct DaemonInfo: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public var version: String

        public init(name: String = "agentd", version: String) {
            self.name = name
            self.version = version
        }
    }
}
