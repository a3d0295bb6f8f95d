import AgentProtocol
import NIOCore
import NIOPosix

import Glibc

/// Limits and policies of the control server.
public struct ControlConfiguration: Sendable {
    /// The longest request line accepted, in bytes; a longer one gets `request too large` and the connection closes.
    public var maxLineBytes: Int = 1 << 20
    /// Run events queued per connection before the subscription that overflows is cut off (`slow_consumer`).
    public var outboundQueueLimit: Int = 4096
    /// Concurrent connections; beyond it a new connection gets `overloaded` and is closed.
    public var maxConnections: Int = 256
    /// Unsent response bytes per connection past which the connection stops reading requests until the client
    /// reads (backpressure: a client that never reads cannot grow the daemon's memory).
    public var maxUnsentResponseBytes: Int = 1 << 20
    /// How long a new connection may go without `initialize` before it is closed.
    public var initializeTimeout: Duration = .seconds(10)
    /// Peer uids allowed to connect (default: the daemon's own uid).
    public var allowedUIDs: Set<UInt32> = [UInt32(getuid())]
    /// Requests processed at once per connection; beyond it a request gets `overloaded`.
    public var maxInFlightRequests: Int = 64
    /// Active subscriptions per connection; beyond it `run/attach` gets `overloaded`.
    public var maxSubscriptionsPerConnection: Int = 256
    /// The listen backlog (bursts of clients beyond it get EAGAIN).
    public var listenBacklog: Int32 = 1024
    /// How long a graceful shutdown waits for queued messages to be written before closing connections.
    public var shutdownDrainTimeout: Duration = .seconds(2)
    /// How long a `request_id`'s result is kept for retries (in the backend's `requestStore` and in memory).
    public var idempotencyTTL: Duration = .seconds(24 * 3600)
    /// How many `request_id` results are cached in memory at most (the oldest go first); a backend's
    /// `requestStore` keeps every one for the ttl, without a store this is all there is.
    public var idempotencyCapacity: Int = 10_000
    /// The clock of idempotency expiry; injectable so tests can expire keys without waiting.
    public var idempotencyClock: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    /// The daemon version reported by `initialize` and `daemon/status`.
    public var daemonVersion: String = "0.0.0"
    /// Capabilities announced by `initialize`.
    public var capabilities: [String] = ControlMethods.requestNames
    /// How the peer's credentials are read; injectable so tests can pretend to be another uid.
    public var peerCredentials: @Sendable (any Channel) async throws -> PeerCredentials = PeerCredentials.lookup
    /// The event loops serving the socket.
    public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    public init() {}
}
