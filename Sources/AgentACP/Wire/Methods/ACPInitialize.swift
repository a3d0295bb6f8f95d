/// `initialize`: version and capability negotiation, the first request of every connection.
public enum ACPInitialize: ACPMethod {
    public static let name = "initialize"

    public struct Params: Codable, Sendable, Equatable {
        /// The latest protocol version the editor supports.
        public var protocolVersion: Int
        /// What the editor can do for the agent (file system, terminal).
        public var clientCapabilities: ClientCapabilities?
        /// The editor's name and version.
        public var clientInfo: Implementation?

        public init(protocolVersion: Int, clientCapabilities: ClientCapabilities? = nil, clientInfo: Implementation? = nil) {
            self.protocolVersion = protocolVersion
            self.clientCapabilities = clientCapabilities
            self.clientInfo = clientInfo
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // Some editors (Zed) once sent a date string here; like the official SDKs, take any string as 1.
            if let number = try? container.decode(Int.self, forKey: .protocolVersion) {
                protocolVersion = number
            } else {
                _ = try container.decode(String.self, forKey: .protocolVersion)
                protocolVersion = 1
            }
            clientCapabilities = try container.decodeIfPresent(ClientCapabilities.self, forKey: .clientCapabilities)
            clientInfo = try container.decodeIfPresent(Implementation.self, forKey: .clientInfo)
        }

        enum CodingKeys: String, CodingKey {
            case protocolVersion, clientCapabilities, clientInfo
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var protocolVersion: Int
        public var agentCapabilities: AgentCapabilities
        public var agentInfo: Implementation
        /// agentd needs no login (the daemon holds the API key).
        public var authMethods: [ACPEmpty]

        public init(protocolVersion: Int, agentCapabilities: AgentCapabilities, agentInfo: Implementation) {
            self.protocolVersion = protocolVersion
            self.agentCapabilities = agentCapabilities
            self.agentInfo = agentInfo
            self.authMethods = []
        }
    }

    /// The protocol version this agent speaks.
    public static let protocolVersion = 1
}
