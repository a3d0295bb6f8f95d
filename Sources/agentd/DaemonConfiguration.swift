import AgentEngine
import AgentMCP
import AgentTools
import AgentUpstream
import Foundation
import TOMLKit

/// The daemon's settings: `config/agentd.toml` documents every key and its default.
struct DaemonConfiguration: Equatable {
    struct Daemon: Equatable {
        var socket: String?
        var stateDir: String?
        var logLevel = "info"
    }

    struct Upstream: Equatable {
        var baseURL = "https://api.openai.com/v1"
        var apiKeyFile: String?
        var transport = "websocket"
        var fallbackAfterConnectFailures = 3
        var connections = 2
        var lanes = true
        var lanesPerConnection = 32
        var connectTimeoutMillis = 15_000
        var pingIntervalMillis = 20_000
        var idleStreamTimeoutMillis = 300_000
        var maxConnectionAgeSeconds = 3_300
        var maxFrameBytes = 64 << 20
        var reconnectBackoffBaseMillis = 500
        var reconnectBackoffMaxMillis = 8_000
        var prewarm = false
    }

    struct Run: Equatable {
        var model = "gpt-5.2"
        var tools = ["shell"]
        var instructions: String?
        var maxResponses = 200
        var maxTurnAttempts = 5
        var maxToolCalls = 500
        var includeEncryptedReasoning = true
        /// `[run]` request settings (see ``RunRequestKeys``).
        var compactThreshold = 200_000
        var reasoningEffort: String?
        var reasoningSummary = "auto"
        var promptCacheRetention: String?
        /// 0: send none.
        var maxOutputTokens = 0
        var safetyIdentifier: String?
        var serviceTier: String?
        /// `auto`, `native` or `function` (see ``ToolFormatChoice``).
        var toolFormat = "auto"
        var nativeToolModels = ToolFormatChoice.defaultNativeModels
        var maxResponseBytes = 64 << 20
        var maxResponseEvents = 250_000
        var maxResponseMillis = 1_800_000
    }

    struct Ledger: Equatable {
        var sync = "full"
    }

    struct Tools: Equatable {
        var timeoutMillis = 120_000
        var maxTimeoutMillis = 3_600_000
        var outputHeadBytes = 16 << 10
        var outputTailBytes = 16 << 10
        var killGraceMillis = 2_000
        var environment = ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ"]
        var confineToWorkspace = true
        var workspaceRoots: [String] = []
        /// `[[tools.command]]`: programs exposed as named tools.
        var commands: [CommandToolSpec] = []
        /// `"auto"`, `"bwrap"` or `"none"`: run `shell` and command tools inside bubblewrap (see ``SandboxChoice``).
        var sandbox = "auto"
    }

    struct Control: Equatable {
        var maxLineBytes = 1 << 20
        var outboundQueueLimit = 4096
        var maxConnections = 256
        var maxUnsentResponseBytes = 1 << 20
        var initializeTimeoutMillis = 10_000
        var allowedUIDs: [Int] = []
    }

    struct MCP: Equatable {
        /// The `[[mcp.servers]]` entries: servers started at start-up whose tools are offered as `server__tool`.
        var servers: [MCPServerSpec] = []
    }

    var daemon = Daemon()
    var upstream = Upstream()
    var run = Run()
    var ledger = Ledger()
    var tools = Tools()
    var control = Control()
    var mcp = MCP()

    /// Reads `path`; every problem in the file is reported at once.
    static func load(path: String) throws -> DaemonConfiguration {
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors(errors: [ConfigError(file: path, line: nil, key: "-", message: "cannot read the file")])
        }
        return try parse(source, file: path)
    }

    /// Parses TOML text (`file` names it in errors).
    static func parse(_ source: String, file: String) throws -> DaemonConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw ConfigErrors(errors: [
                ConfigError(file: file, line: error.source.begin.line, key: "-", message: error.description)
            ])
        }
        var errors: [ConfigError] = []
        func section(_ name: String) -> ConfigReader {
            let value = root[name]
            if let value, value.table == nil {
                errors.append(ConfigError(file: file, line: nil, key: name, message: "must be a table ([\(name)])"))
            }
            return ConfigReader(table: value?.table, section: name, file: file, source: source)
        }
        var config = DaemonConfiguration()
        let known = ["daemon", "upstream", "run", "ledger", "tools", "control", "mcp"]
        for key in root.keys.sorted() where !known.contains(key) {
            let suggestion = ConfigSuggestion.closest(to: key, among: known).map { "; did you mean [\($0)]?" }
            errors.append(
                ConfigError(
                    file: file, line: ConfigReader.line(ofSection: key, in: source), key: key,
                    message: "unknown section\(suggestion ?? "") (the sections are \(known.map { "[\($0)]" }.joined(separator: ", ")))"))
        }

        let daemon = section("daemon")
        config.daemon.socket = daemon.optionalString("socket")
        config.daemon.stateDir = daemon.optionalString("state_dir")
        config.daemon.logLevel = daemon.choice(
            "log_level", default: "info", allowed: ["trace", "debug", "info", "notice", "warning", "error"])
        errors += daemon.finish()

        let upstream = section("upstream")
        config.upstream.baseURL = upstream.string("base_url", default: config.upstream.baseURL)
        if let problem = UpstreamConfiguration.baseURLProblem(config.upstream.baseURL) {
            upstream.problem("base_url", problem)
        }
        config.upstream.apiKeyFile = upstream.optionalString("api_key_file")
        config.upstream.transport = upstream.choice(
            "transport", default: "websocket", allowed: ["websocket", "sse", "auto"])
        config.upstream.fallbackAfterConnectFailures = upstream.int(
            "fallback_after_connect_failures", default: 3, range: 1...100)
        config.upstream.connections = upstream.int("connections", default: 2, range: 1...64)
        config.upstream.lanes = upstream.bool("lanes", default: true)
        config.upstream.lanesPerConnection = upstream.int("lanes_per_connection", default: 32, range: 1...32)
        config.upstream.connectTimeoutMillis = upstream.int("connect_timeout_ms", default: 15_000, range: 100...600_000)
        config.upstream.pingIntervalMillis = upstream.int("ping_interval_ms", default: 20_000, range: 100...3_600_000)
        config.upstream.idleStreamTimeoutMillis = upstream.int(
            "idle_stream_timeout_ms", default: 300_000, range: 100...86_400_000)
        config.upstream.maxConnectionAgeSeconds = upstream.int(
            "max_connection_age_s", default: 3_300, range: 1...3_600)
        config.upstream.maxFrameBytes = upstream.int("max_frame_bytes", default: 64 << 20, range: 1 << 16...1 << 30)
        config.upstream.reconnectBackoffBaseMillis = upstream.int(
            "reconnect_backoff_base_ms", default: 500, range: 10...60_000)
        config.upstream.reconnectBackoffMaxMillis = upstream.int(
            "reconnect_backoff_max_ms", default: 8_000, range: 10...600_000)
        config.upstream.prewarm = upstream.bool("prewarm", default: false)
        errors += upstream.finish()

        let run = section("run")
        config.run.model = run.string("model", default: config.run.model)
        config.run.tools = run.strings("tools", default: config.run.tools)
        config.run.instructions = run.optionalString("instructions")
        config.run.maxResponses = run.int("max_responses", default: 200, range: 1...100_000)
        config.run.maxTurnAttempts = run.int("max_turn_attempts", default: 5, range: 1...100)
        config.run.maxToolCalls = run.int("max_tool_calls", default: 500, range: 0...1_000_000)
        config.run.includeEncryptedReasoning = run.bool("include_encrypted_reasoning", default: true)
        RunRequestKeys.read(run, into: &config.run)
        if !config.run.includeEncryptedReasoning {
            // agentd always sends `store: false`: without the encrypted reasoning a full-context resend fails with
            // "Item with id 'rs_…' not found".
            run.fail(
                "include_encrypted_reasoning",
                "must stay true: agentd sends store = false, and a full-context resend needs the encrypted reasoning")
        }
        config.run.maxResponseBytes = run.int("max_response_bytes", default: 64 << 20, range: 1024...(1 << 32))
        config.run.maxResponseEvents = run.int("max_response_events", default: 250_000, range: 10...100_000_000)
        config.run.maxResponseMillis = run.int("max_response_ms", default: 1_800_000, range: 100...86_400_000)
        errors += run.finish()

        let ledger = section("ledger")
        config.ledger.sync = ledger.choice("sync", default: "full", allowed: ["full", "normal"])
        errors += ledger.finish()

        let tools = section("tools")
        config.tools.timeoutMillis = tools.int("timeout_ms", default: 120_000, range: 100...86_400_000)
        config.tools.maxTimeoutMillis = tools.int("max_timeout_ms", default: 3_600_000, range: 100...86_400_000)
        config.tools.outputHeadBytes = tools.int("output_head_bytes", default: 16 << 10, range: 0...(64 << 20))
        config.tools.outputTailBytes = tools.int("output_tail_bytes", default: 16 << 10, range: 0...(64 << 20))
        config.tools.killGraceMillis = tools.int("kill_grace_ms", default: 2_000, range: 0...60_000)
        config.tools.environment = tools.strings("environment", default: config.tools.environment)
        config.tools.confineToWorkspace = tools.bool("confine_to_workspace", default: true)
        config.tools.workspaceRoots = tools.strings("workspace_roots", default: [])
        config.tools.sandbox = tools.choice(
            "sandbox", default: "auto", allowed: SandboxChoice.allCases.map(\.rawValue))
        let commands = CommandToolConfig.read(tools.tables("command"), file: file, source: source)
        config.tools.commands = commands.0
        errors += commands.1
        errors += tools.finish()

        let control = section("control")
        config.control.maxLineBytes = control.int("max_line_bytes", default: 1 << 20, range: 1024...(64 << 20))
        config.control.outboundQueueLimit = control.int("outbound_queue_limit", default: 4096, range: 16...1_000_000)
        config.control.maxConnections = control.int("max_connections", default: 256, range: 1...65_536)
        config.control.maxUnsentResponseBytes = control.int(
            "max_unsent_response_bytes", default: 1 << 20, range: 4096...(1 << 30))
        config.control.initializeTimeoutMillis = control.int(
            "initialize_timeout_ms", default: 10_000, range: 100...3_600_000)
        config.control.allowedUIDs = control.ints("allowed_uids", default: [])
        errors += control.finish()

        let mcp = section("mcp")
        let servers = MCPServerConfig.read(mcp.tables("servers"), file: file, source: source)
        config.mcp.servers = servers.0
        errors += servers.1
        errors += mcp.finish()

        if !errors.isEmpty { throw ConfigErrors(errors: ConfigErrors.inLineOrder(errors)) }
        return config
    }
}
