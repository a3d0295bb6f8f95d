import Foundation

/// The first of several contenders (the reply, the timer, the server's exit) to finish a call or a start-up
/// wins; later ones are ignored. Lets a call end on time even when the SDK's request never returns.
final class MCPRace<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var continuation: CheckedContinuation<Value, Never>?

    /// Ends the call with `result` unless it already ended.
    func finish(_ result: Value) {
        lock.lock()
        guard self.result == nil else {
            lock.unlock()
            return
        }
        self.result = result
        let waiting = continuation
        continuation = nil
        lock.unlock()
        waiting?.resume(returning: result)
    }

    /// Waits for the first result.
    func wait() async -> Value {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                self.continuation = continuation
                lock.unlock()
            }
        }
    }
}
