/// A snapshot of the HTTP+SSE transport, for status output.
public struct SSEUpstreamStatus: Sendable, Equatable {
    /// Running totals.
    public struct Counters: Sendable, Equatable {
        /// Leases handed out.
        public var leasesGranted = 0
        /// Requests posted (a retry on a fresh connection counts again).
        public var requests = 0
        /// Responses that began with a non-2xx status (turned into `error` frames).
        public var httpErrors = 0
        /// HTTP connections opened.
        public var connectionsOpened = 0
        /// The last connect or transport error, without credentials.
        public var lastError: String?
    }

    /// Leases held now (each bounds one request in flight).
    public var leasesInUse: Int
    /// Most leases at once: `connections × min(lanesPerConnection, activeResponsesPerConnection)`.
    public var leaseCapacity: Int
    /// Runs waiting for a lease.
    public var waiting: Int
    /// Lease requests that had to wait, so far.
    public var leasesQueued: Int
    /// Kept-alive connections idle now.
    public var idleConnections: Int
    /// Running totals.
    public var counters: Counters
}
