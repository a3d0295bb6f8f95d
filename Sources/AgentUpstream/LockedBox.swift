import Foundation

/// A value guarded by a lock, readable from synchronous code (lane `isUsable`).
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// The current value.
    var current: Value { lock.withLock { value } }

    /// Runs `body` with exclusive access to the value (for compare-and-set updates).
    func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try lock.withLock { try body(&value) }
    }

    /// Replaces the value and returns the previous one.
    @discardableResult
    func exchange(_ newValue: Value) -> Value {
        lock.withLock {
            let old = value
            value = newValue
            return old
        }
    }
}
