import Foundation

/// A one-shot, thread-safe "the server is bound" signal carrying the base URL (or the start-up failure).
final class ReadySignal: @unchecked Sendable {
    private enum State {
        case waiting([CheckedContinuation<URL, any Error>])
        case ready(URL)
        case failed(any Error)
    }

    private let lock = NSLock()
    private var state: State = .waiting([])

    /// Completes the signal; later calls are ignored.
    func resolve(_ result: Result<URL, any Error>) {
        let waiters: [CheckedContinuation<URL, any Error>] = lock.withLock {
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let url): state = .ready(url)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Waits for the signal.
    func wait() async throws -> URL {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<URL, any Error>? = lock.withLock {
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .ready(let url):
                    return .success(url)
                case .failed(let error):
                    return .failure(error)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
