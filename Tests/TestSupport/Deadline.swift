import Synchronization

/// A test waited longer than its deadline.
public struct TestTimeout: Error, CustomStringConvertible {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out: \(what)" }
}

/// Runs `operation`, failing with ``TestTimeout`` after `limit`, even when the operation ignores cancellation.
///
/// The operation runs in a task of its own that is cancelled and left behind at the deadline: a task group would
/// wait for it, and a test that never returns hangs the whole suite instead of failing. (The sleep is only the
/// deadline, never a synchronisation.)
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String = "the operation", _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    let work = Task { outcome.deliver(await Result(catching: operation)) }
    let deadline = Task {
        try await Task.sleep(for: limit)
        outcome.deliver(.failure(TestTimeout(what: "\(what) (after \(limit))")))
    }
    defer {
        work.cancel()
        deadline.cancel()
    }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        work.cancel()
    }
}

/// The first of several results delivered from different tasks; later ones are dropped.
private final class FirstOutcome<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, Error>?)
        case delivered(Result<T, Error>)
    }

    private let state = Mutex(State.waiting(nil))

    func deliver(_ result: Result<T, Error>) {
        let waiter: CheckedContinuation<T, Error>? = state.withLock { state in
            guard case .waiting(let waiter) = state else { return nil }
            state = .delivered(result)
            return waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, Error>? = state.withLock { state in
                switch state {
                case .waiting: state = .waiting(continuation); return nil
                case .delivered(let result): return result
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
