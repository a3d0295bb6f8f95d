import AgentModel
import Foundation

/// How a ``WebSocketPool`` reaches the Responses API and how it shares, watches and replaces its connections.
public struct UpstreamConfiguration: Sendable {
    /// The `ws://` or `wss://` URL of the Responses endpoint, e.g. `wss://api.openai.com/v1/responses`.
    public var url: URL
    /// API key sent as `Authorization: Bearer …` on the upgrade request. Never logged or printed.
    public var apiKey: String?
    /// Optional `OpenAI-Organization` header.
    public var organization: String?
    /// Optional `OpenAI-Project` header.
    public var project: String?
    /// Extra headers for the upgrade request (e.g. `OpenAI-Beta`). Values are never logged.
    public var extraHeaders: [String: String]
    /// Number of WebSocket connections kept open.
    public var connections: Int
    /// Named lanes (`stream_id`s `l0`…) per connection, at most 32 (the server's limit of distinct `stream_id`s).
    /// A run keeps its lane between turns, so the server's continuation cache for it stays warm.
    public var lanesPerConnection: Int
    /// Responses in flight per connection at most (the server runs 16 at a time and queues the rest); further
    /// requests wait in a FIFO queue.
    public var activeResponsesPerConnection: Int
    /// When more runs than lanes are active, responses a run gets on its lane before another run may take the lane
    /// over while the first is between turns (it then resends its whole conversation on a new lane).
    public var turnsBeforeLaneTakeover: Int
    /// Whether to multiplex responses on named lanes. `false` is for servers that run one response per
    /// connection: one lease per connection, on the default lane, and no `stream_id`.
    public var useLanes: Bool
    /// Largest inbound message accepted (a `response.completed` frame repeats the whole output).
    public var maxFrameSize: Int
    /// How long `lease` waits for a connection when none is connected, and how long a handshake may take.
    public var connectTimeout: Duration
    /// Interval of WebSocket pings; a ping not answered within the next interval closes the connection.
    /// `nil` disables pings.
    public var pingInterval: Duration?
    /// No frame for this long while a response streams fails that response with `.idleTimeout` and drops the
    /// connection.
    public var idleStreamTimeout: Duration
    /// Connections older than this are replaced at the next turn boundary (the server's hard limit is 60 min).
    public var maxConnectionAge: Duration
    /// Reconnect delays.
    public var backoff: ReconnectBackoff.Policy
    /// Granularity of the pool's timer (rotation, idle and connect deadlines are checked this often).
    public var tickInterval: Duration
    /// Which transport ``AutoUpstream`` uses: WebSocket only, HTTP+SSE only, or WebSocket with a sticky fallback.
    public var transport: UpstreamTransport
    /// With `transport == .auto`: fall back to HTTP+SSE after this many WebSocket connect attempts failed in a row
    /// while no connection was open (an upgrade refused with HTTP 426 falls back at once).
    public var fallbackAfterConnectFailures: Int

    /// Creates a configuration; every parameter but `url` has a production default.
    /// - Parameters:
    ///   - url: the `ws(s)://…/v1/responses` URL (see ``responsesURL(fromBaseURL:)``).
    ///   - apiKey: bearer token, or `nil` for servers that need none.
    ///   - organization: optional `OpenAI-Organization` header.
    ///   - project: optional `OpenAI-Project` header.
    ///   - extraHeaders: extra upgrade-request headers.
    ///   - connections: number of connections.
    ///   - lanesPerConnection: named lanes per connection (1…32).
    ///   - activeResponsesPerConnection: responses in flight per connection (1…16).
    ///   - turnsBeforeLaneTakeover: responses on a lane before it may be taken over (at least 1).
    ///   - useLanes: multiplex with `stream_id`.
    ///   - maxFrameSize: largest inbound message in bytes.
    ///   - connectTimeout: bound on waiting for a connection.
    ///   - pingInterval: WebSocket ping period, `nil` for none.
    ///   - idleStreamTimeout: bound on the silence inside one response.
    ///   - maxConnectionAge: rotation age.
    ///   - backoff: reconnect delays.
    ///   - tickInterval: timer granularity.
    ///   - transport: `websocket`, `sse` or `auto` (see ``AutoUpstream``).
    ///   - fallbackAfterConnectFailures: consecutive failed connects before `auto` falls back to SSE.
    public init(
        url: URL,
        apiKey: String? = nil,
        organization: String? = nil,
        project: String? = nil,
        extraHeaders: [String: String] = [:],
        connections: Int = 2,
        lanesPerConnection: Int = 32,
        activeResponsesPerConnection: Int = 16,
        turnsBeforeLaneTakeover: Int = 4,
        useLanes: Bool = true,
        maxFrameSize: Int = 64 << 20,
        connectTimeout: Duration = .seconds(15),
        pingInterval: Duration? = .seconds(20),
        idleStreamTimeout: Duration = .seconds(300),
        maxConnectionAge: Duration = .seconds(55 * 60),
        backoff: ReconnectBackoff.Policy = .init(),
        tickInterval: Duration = .milliseconds(250),
        transport: UpstreamTransport = .websocket,
        fallbackAfterConnectFailures: Int = 3
    ) {
        self.url = url
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.extraHeaders = extraHeaders
        self.connections = max(1, connections)
        self.lanesPerConnection = min(32, max(1, lanesPerConnection))
        self.activeResponsesPerConnection = min(16, max(1, activeResponsesPerConnection))
        self.turnsBeforeLaneTakeover = max(1, turnsBeforeLaneTakeover)
        self.useLanes = useLanes
        self.maxFrameSize = max(1 << 14, maxFrameSize)
        self.connectTimeout = connectTimeout
        self.pingInterval = pingInterval
        self.idleStreamTimeout = idleStreamTimeout
        self.maxConnectionAge = maxConnectionAge
        self.backoff = backoff
        self.tickInterval = tickInterval
        self.transport = transport
        self.fallbackAfterConnectFailures = max(1, fallbackAfterConnectFailures)
    }

    /// The `User-Agent` of every upgrade and HTTP request: `agentd/<version> (<os>)`, so the service can tell
    /// agentd's traffic apart.
    public static var userAgent: String { "agentd/\(AgentVersion.current) (Linux)" }

    /// Lanes usable per connection: `lanesPerConnection` with named lanes, one without.
    public var effectiveLanesPerConnection: Int { useLanes ? lanesPerConnection : 1 }

    /// Responses in flight per connection: `activeResponsesPerConnection` (no more than the lanes) with named lanes,
    /// one without.
    public var effectiveActiveResponsesPerConnection: Int {
        useLanes ? min(activeResponsesPerConnection, lanesPerConnection) : 1
    }

    /// Maps an HTTP API base URL to the WebSocket Responses URL the way OpenAI's SDKs do:
    /// `http://h:p/v1` → `ws://h:p/v1/responses`, `https` → `wss`; `ws(s)` bases are kept.
    ///
    /// - Returns: `nil` when the scheme is not http(s)/ws(s) or the URL has no host.
    public static func responsesURL(fromBaseURL base: URL) -> URL? {
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), components.host != nil
        else { return nil }
        switch scheme {
        case "http", "ws": components.scheme = "ws"
        case "https", "wss": components.scheme = "wss"
        default: return nil
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        components.path = path + "/responses"
        return components.url
    }

    /// Why `text` cannot be the upstream base URL, in words safe to log (never the URL's user info), or nil.
    ///
    /// User info (`http://user:secret@host/v1`) is refused rather than used: the key goes in `OPENAI_API_KEY` or
    /// `upstream.api_key_file`, and a password in a URL ends up in logs, `ps` output and shell history.
    public static func baseURLProblem(_ text: String) -> String? {
        guard let base = URL(string: text), let components = URLComponents(url: base, resolvingAgainstBaseURL: false)
        else {
            return "the upstream base URL is not a valid URL"
        }
        if components.user != nil || components.password != nil {
            var safe = components
            safe.user = nil
            safe.password = nil
            safe.query = nil
            safe.fragment = nil
            return "the upstream base URL \(safe.string ?? "") contains user info (user:password@); agentd does not "
                + "send credentials in the URL: remove them and put the key in OPENAI_API_KEY or upstream.api_key_file"
        }
        guard responsesURL(fromBaseURL: base) != nil else {
            return "the upstream base URL '\(redacted(base))' is not an http(s):// or ws(s):// URL with a host"
        }
        return nil
    }

    /// `url` without user info, query or fragment: safe to put in logs and error messages.
    public static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<invalid url>" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "<invalid url>"
    }

    /// The URL without user info, query or fragment: safe to put in logs and error messages.
    public var redactedURL: String { Self.redacted(url) }

    /// Whether `name` is a valid HTTP field name (an RFC 9110 token).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (CharacterSet.alphanumerics.contains(scalar)
                        || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
            }
    }

    /// Name of the lane with index `index`: `l0`…`l31`, or `nil` (default lane) without named lanes.
    func laneName(_ index: Int) -> String? { useLanes ? "l\(index)" : nil }
}

extension UpstreamConfiguration: CustomStringConvertible {
    /// A description with the key redacted.
    public var description: String {
        "UpstreamConfiguration(url: \(redactedURL), apiKey: \(apiKey == nil ? "none" : "<redacted>"), "
            + "connections: \(connections), lanesPerConnection: \(lanesPerConnection), useLanes: \(useLanes), "
            + "transport: \(transport.rawValue))"
    }
}
