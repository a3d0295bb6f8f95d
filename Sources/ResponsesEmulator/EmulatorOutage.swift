import Foundation

/// An upstream outage switched on at run time (``ResponsesEmulator/outage`` in-process, or
/// `POST /emulator/outage?ms=N` from another process), to test that clients back off instead of storming.
///
/// When an outage begins, every open WebSocket connection is dropped without a close frame; while it lasts, every
/// WebSocket upgrade attempt is counted and answered with HTTP 503, like every plain HTTP request to
/// `/v1/responses` (what a client sees when a load balancer has no healthy backend). Thread-safe.
public final class EmulatorOutage: @unchecked Sendable {
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var startedAt: ContinuousClock.Instant?
    private var endsAt: ContinuousClock.Instant?
    private var refused: [Duration] = []
    private var openConnections: [Int: @Sendable () -> Void] = [:]

    /// Creates an emulator's outage switch; no outage is active.
    public init() {}

    /// Starts an outage lasting `duration` from now: drops every open WebSocket connection.
    ///
    /// Upgrade attempts counted by ``refusedUpgrades()`` are those of the latest outage.
    public func begin(for duration: Duration) {
        let drops = lock.withLock {
            let now = clock.now
            startedAt = now
            endsAt = now + duration
            refused = []
            return Array(openConnections.values)
        }
        for drop in drops { drop() }
    }

    /// Whether an outage is going on now.
    public var isActive: Bool {
        lock.withLock { endsAt.map { clock.now < $0 } ?? false }
    }

    /// The time (since the latest outage began) of every WebSocket upgrade attempt it refused, in order.
    public func refusedUpgrades() -> [Duration] {
        lock.withLock { refused }
    }

    /// Counts an upgrade attempt if an outage is going on; returns whether it must be refused.
    func refuseUpgradeIfDown() -> Bool {
        lock.withLock {
            guard let startedAt, let endsAt, clock.now < endsAt else { return false }
            refused.append(clock.now - startedAt)
            return true
        }
    }

    /// Registers how to drop WebSocket connection `id` when an outage begins.
    func register(_ id: Int, drop: @escaping @Sendable () -> Void) {
        lock.withLock { openConnections[id] = drop }
    }

    /// Forgets connection `id` (it ended).
    func unregister(_ id: Int) {
        _ = lock.withLock { openConnections.removeValue(forKey: id) }
    }

    /// The body of every plain HTTP answer during an outage.
    static let unavailable = EmulatorError(
        status: 503,
        type: "server_error",
        code: nil,
        message: "The service is temporarily unavailable (emulated outage). Retry with backoff.",
        param: nil
    )
}
