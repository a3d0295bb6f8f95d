extension DaemonStatus {
    /// The upstream part of `daemon/status`: where agentd sends requests and how each connection is doing.
    public struct Upstream: Codable, Sendable, Equatable {
        /// The Responses API endpoint, without credentials, query or fragment (the key is never in the status).
        public var url: String
        /// The transport serving new requests: `websocket` or `sse`.
        public var transport: String
        /// Why the transport is not the configured one, or `configured` for `sse` by configuration.
        public var transportReason: String?
        /// The WebSocket pool's connections (all `stopped` while SSE serves).
        public var connections: [Connection]
        /// The pool's lease queue.
        public var queue: Queue
        /// Runs waiting before they retry a turn the upstream refused or failed.
        public var retryWaits: [RetryWait]
        /// The HTTP+SSE transport, when it is the one serving.
        public var sse: SSE?

        /// Creates the value.
        public init(
            url: String, transport: String, transportReason: String? = nil, connections: [Connection],
            queue: Queue, retryWaits: [RetryWait] = [], sse: SSE? = nil
        ) {
            self.url = url
            self.transport = transport
            self.transportReason = transportReason
            self.connections = connections
            self.queue = queue
            self.retryWaits = retryWaits
            self.sse = sse
        }

        enum CodingKeys: String, CodingKey {
            case url, transport
            case transportReason = "transport_reason"
            case connections, queue
            case retryWaits = "retry_waits"
            case sse
        }
    }
}

extension DaemonStatus.Upstream {
    /// What a connection slot is doing; an open set (a newer daemon may report a state this client does not know).
    public struct ConnectionState: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// The handshake is in progress.
        public static let connecting = Self(rawValue: "connecting")
        /// Open and serving.
        public static let connected = Self(rawValue: "connected")
        /// Open but being replaced: no new responses; closed once nothing is in flight.
        public static let draining = Self(rawValue: "draining")
        /// Waiting before the next connect attempt (see ``Connection/nextAttemptMillis``).
        public static let backoff = Self(rawValue: "backoff")
        /// Not running (the pool stopped, or SSE serves).
        public static let stopped = Self(rawValue: "stopped")

        public var description: String { rawValue }
    }

    /// One WebSocket connection slot.
    public struct Connection: Codable, Sendable, Equatable {
        /// The slot's index (`upstream.conn` in the daemon's log).
        public var id: Int
        public var state: ConnectionState
        /// Seconds since the current connection opened (absent when it is not open).
        public var ageSeconds: Double?
        /// Lanes held by runs.
        public var lanesInUse: Int
        /// Responses streaming now.
        public var responsesInFlight: Int
        /// Responses that reached their end on this slot.
        public var responsesServed: Int
        /// Connections opened on this slot after the first.
        public var reconnects: Int
        /// The last connect or connection error, in words (absent once a connection opened since).
        public var lastError: String?
        /// In `backoff`: milliseconds until the next connect attempt.
        public var nextAttemptMillis: Int?

        /// Creates the value.
        public init(
            id: Int, state: ConnectionState, ageSeconds: Double? = nil, lanesInUse: Int = 0, responsesInFlight: Int = 0,
            responsesServed: Int = 0, reconnects: Int = 0, lastError: String? = nil, nextAttemptMillis: Int? = nil
        ) {
            self.id = id
            self.state = state
            self.ageSeconds = ageSeconds
            self.lanesInUse = lanesInUse
            self.responsesInFlight = responsesInFlight
            self.responsesServed = responsesServed
            self.reconnects = reconnects
            self.lastError = lastError
            self.nextAttemptMillis = nextAttemptMillis
        }

        enum CodingKeys: String, CodingKey {
            case id, state
            case ageSeconds = "age_s"
            case lanesInUse = "lanes_in_use"
            case responsesInFlight = "responses_in_flight"
            case responsesServed = "responses_served"
            case reconnects
            case lastError = "last_error"
            case nextAttemptMillis = "next_attempt_ms"
        }
    }

    /// The pool's lease queue.
    public struct Queue: Codable, Sendable, Equatable {
        /// Runs waiting for a lane now.
        public var waiting: Int
        /// Leases granted so far.
        public var leasesGranted: Int
        /// Lease requests that had to wait.
        public var leasesQueued: Int
        /// The longest wait for a lane, in milliseconds.
        public var maxWaitMillis: Double

        /// Creates the value.
        public init(waiting: Int, leasesGranted: Int, leasesQueued: Int, maxWaitMillis: Double) {
            self.waiting = waiting
            self.leasesGranted = leasesGranted
            self.leasesQueued = leasesQueued
            self.maxWaitMillis = maxWaitMillis
        }

        enum CodingKeys: String, CodingKey {
            case waiting
            case leasesGranted = "leases_granted"
            case leasesQueued = "leases_queued"
            case maxWaitMillis = "max_wait_ms"
        }
    }

    /// A run waiting before it retries a turn (its latest `run.retry_scheduled`).
    public struct RetryWait: Codable, Sendable, Equatable {
        public var runID: String
        /// The upstream's error code (`rate_limit_exceeded`, `connect_failed`, …), if it had one.
        public var code: String?
        /// What went wrong, in words.
        public var message: String
        /// The wait, in milliseconds.
        public var delayMillis: Int
        /// When the wait began (Unix milliseconds).
        public var sinceMillis: Int64?
        /// Whether the server asked for the wait (`retry-after`) rather than agentd's backoff.
        public var serverAsked: Bool
        /// The attempt at the turn that failed (1-based).
        public var attempt: Int

        /// Creates the value.
        public init(
            runID: String, code: String?, message: String, delayMillis: Int, sinceMillis: Int64?, serverAsked: Bool,
            attempt: Int
        ) {
            self.runID = runID
            self.code = code
            self.message = message
            self.delayMillis = delayMillis
            self.sinceMillis = sinceMillis
            self.serverAsked = serverAsked
            self.attempt = attempt
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case code, message
            case delayMillis = "delay_ms"
            case sinceMillis = "since_ms"
            case serverAsked = "server_asked"
            case attempt
        }
    }

    /// The HTTP+SSE transport's leases and its last error.
    public struct SSE: Codable, Sendable, Equatable {
        /// Leases held now.
        public var leasesInUse: Int
        /// Most leases at once.
        public var leaseCapacity: Int
        /// Runs waiting for a lease.
        public var waiting: Int
        /// Requests posted so far.
        public var requests: Int
        /// Responses that began with a non-2xx status.
        public var httpErrors: Int
        /// The last connect or transport error, in words.
        public var lastError: String?

        /// Creates the value.
        public init(
            leasesInUse: Int, leaseCapacity: Int, waiting: Int, requests: Int, httpErrors: Int, lastError: String? = nil
        ) {
            self.leasesInUse = leasesInUse
            self.leaseCapacity = leaseCapacity
            self.waiting = waiting
            self.requests = requests
            self.httpErrors = httpErrors
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case leasesInUse = "leases_in_use"
            case leaseCapacity = "lease_capacity"
            case waiting, requests
            case httpErrors = "http_errors"
            case lastError = "last_error"
        }
    }
}
