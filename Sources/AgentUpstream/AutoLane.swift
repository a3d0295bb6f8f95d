import AgentModel
import Foundation

/// A WebSocket lane handed out by ``AutoUpstream`` in `auto` mode: once the transport has fallen back to SSE it
/// reports `isUsable == false` (so the engine re-leases, now over SSE), and the pool's `.shutdown` failures caused
/// by the fallback become `.connectionLost` (retryable) instead of stopping the run.
final class AutoLane: UpstreamLane {
    private let inner: any UpstreamLane
    private let fellBack: SharedMutex<Bool>

    init(inner: any UpstreamLane, fellBack: SharedMutex<Bool>) {
        self.inner = inner
        self.fellBack = fellBack
    }

    var streamID: String? { inner.streamID }

    var isUsable: Bool { inner.isUsable && !fellBack.current }

    func reserve() async -> Bool {
        guard !fellBack.current else { return false }
        return await inner.reserve()
    }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        let fellBack = self.fellBack
        let stream: AsyncThrowingStream<String, any Error>
        do {
            stream = try await inner.send(frame)
        } catch {
            throw Self.remap(error, fellBack: fellBack)
        }
        let iterator = IteratorBox(stream.makeAsyncIterator())
        return AsyncThrowingStream {
            do {
                return try await iterator.next()
            } catch {
                throw Self.remap(error, fellBack: fellBack)
            }
        }
    }

    func steer(_ frame: String) async -> SteerSubmission {
        await inner.steer(frame)
    }

    func release() async {
        await inner.release()
    }

    private static func remap(_ error: any Error, fellBack: SharedMutex<Bool>) -> any Error {
        guard var failure = error as? UpstreamFailure, failure.code == .shutdown, fellBack.current else { return error }
        failure.code = .connectionLost
        failure.message = "the WebSocket transport was replaced by HTTP+SSE; lease again and resend the full context"
        return failure
    }

    /// Holds the inner iterator; only the one consumer of the outer stream calls `next`, one call at a time.
    private final class IteratorBox: @unchecked Sendable {
        private var iterator: AsyncThrowingStream<String, any Error>.AsyncIterator

        init(_ iterator: AsyncThrowingStream<String, any Error>.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> String? {
            try await iterator.next()
        }
    }
}
