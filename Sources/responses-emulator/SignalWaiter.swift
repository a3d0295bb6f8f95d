import Dispatch
import Foundation

/// Turns SIGTERM/SIGINT into an awaitable event (the default action, dying at once, is replaced).
final class SignalWaiter: @unchecked Sendable {  // sources are only retained, never mutated
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        self.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Waits for the first of the signals.
    func next() async -> Int32 {
        for await number in stream { return number }
        return 0
    }
}
