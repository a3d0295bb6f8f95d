import Synchronization
import Foundation

/// A one-shot slot for a response line: filled by the reader, awaited by the caller.
final class ResponseBox: Sendable {
    private struct State {
        var result: Result<Data, any Error>?
        var continuation: CheckedContinuation<Data, any Error>?
    }

    private let state = Mutex(State())
    /// Runs in the reader, before the next line is read (used by `run/attach` to register its stream).
    let onSuccess: (@Sendable (Data) -> Void)?

    init(onSuccess: (@Sendable (Data) -> Void)? = nil) {
        self.onSuccess = onSuccess
    }

    func complete(_ result: Result<Data, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Data, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            let continuation = state.continuation
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }

    var value: Data {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Data, any Error>? in
                    if let result = state.result { return result }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
