import Foundation
import NIOCore

/// Kept-alive HTTP connections waiting for their next request, newest first; safe to use from event-loop
/// callbacks (an exchange checks its connection back in from the channel's event loop).
final class IdleConnectionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [any Channel] = []
    private var closed = false
    /// Most connections kept idle; more are closed when they come back.
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The most recently used live connection, or `nil`.
    func take() -> (any Channel)? {
        lock.withLock {
            while let channel = channels.popLast() {
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    /// Keeps `channel` for reuse, or closes it when the cache is full, closed, or the channel is dead.
    func put(_ channel: any Channel) {
        let keep = lock.withLock {
            guard !closed, channels.count < limit, channel.isActive else { return false }
            channels.append(channel)
            return true
        }
        if !keep { channel.close(promise: nil) }
    }

    /// Makes the cache forget `channel` when it closes while idle; call once per new connection.
    func track(_ channel: any Channel) {
        channel.closeFuture.whenComplete { [weak self] _ in self?.remove(channel) }
    }

    /// Connections idle now.
    var count: Int { lock.withLock { channels.count } }

    /// Closes every idle connection and every connection put back later.
    func closeAll() {
        let all = lock.withLock {
            closed = true
            defer { channels = [] }
            return channels
        }
        for channel in all { channel.close(promise: nil) }
    }

    private func remove(_ channel: any Channel) {
        lock.withLock { channels.removeAll { $0 === channel } }
    }
}
