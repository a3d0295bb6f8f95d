import AgentModel

/// `daemon/status`: what the daemon is and how busy it is.
public enum DaemonStatus: ControlMethod {
    public static let name = "daemon/status"

    public typealias Params = EmptyObject

    public struct Result: Codable, Sendable, Equatable {
        public var version: String
        public var pid: Int32
        public var socketPath: String
        public var stateDir: String
        public var startedAtMillis: Int64
        public var runsActive: Int
        /// Connected control clients.
        public var clients: Int
        /// Where requests go and how the connections are doing (absent from a daemon without an upstream).
        public var upstream: Upstream?
        /// How tool processes are contained; absent from daemons that predate it.
        public var tools: Tools?

        public init(
            version: String, pid: Int32, socketPath: String, stateDir: String, startedAtMillis: Int64,
            runsActive: Int, clients: Int, upstream: Upstream?, tools: Tools? = nil
        ) {
            self.version = version
            self.pid = pid
            self.socketPath = socketPath
            self.stateDir = stateDir
            self.startedAtMillis = startedAtMillis
            self.runsActive = runsActive
            self.clients = clients
            self.upstream = upstream
            self.tools = tools
        }

        enum CodingKeys: String, CodingKey {
            case version, pid
            case socketPath = "socket_path"
            case stateDir = "state_dir"
            case startedAtMillis = "started_at_ms"
            case runsActive = "runs_active"
            case clients, upstream, tools
        }
    }
}
