import Foundation

/// A value guarded by a lock, readable from synchronous code (lane `isUsable`).
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// The current value.
    var current: Value { lock.withLock { value } }

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
