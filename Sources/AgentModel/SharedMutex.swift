import Synchronization

/// A `Mutex` with reference semantics: for a value several owners share, or an escaping closure captures.
///
/// A `Mutex` stored in a class serves one owner; this wraps one so it can be handed around.
public final class SharedMutex<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with exclusive access to the value (critical sections never await).
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try mutex.withLock { try body(&$0) }
    }

    /// The current value.
    public var current: Value { mutex.withLock { $0 } }

    /// Replaces the value and returns the previous one.
    @discardableResult
    public func exchange(_ newValue: Value) -> Value {
        mutex.withLock { value in
            let old = value
            value = newValue
            return old
        }
    }
}
