import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) while a run is followed, instead of the default death: agentctl then says how to follow the
/// run again, and a second Ctrl-C soon after offers to cancel it.
final class InterruptWatcher: Sendable {
    private struct State {
        var count = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state = Mutex(State())
    // A dispatch source is safe to use from any thread; Dispatch does not mark it Sendable.
    private nonisolated(unsafe) let source: any DispatchSourceSignal

    /// - Parameter onFirst: called (on a dispatch queue) at the first Ctrl-C.
    convenience init(onFirst: @escaping @Sendable () -> Void) {
        self.init(onEach: { count in if count == 1 { onFirst() } })
    }

    /// - Parameter onEach: called (on a dispatch queue) at every Ctrl-C, with how many there were so far.
    init(onEach: @escaping @Sendable (Int) -> Void) {
        // The signal's default action must not run: the dispatch source sees it instead.
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        // The handler holds the watcher until ``stop()`` cancels the source.
        source.setEventHandler { [self] in pressed(onEach) }
        source.resume()
    }

    private func pressed(_ onEach: @Sendable (Int) -> Void) {
        let (count, ready) = state.withLock { state in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return (count, ready)
        }
        for continuation in ready { continuation.resume(returning: true) }
        onEach(count)
    }

    /// How many times Ctrl-C was pressed.
    var count: Int { state.withLock { $0.count } }

    /// Waits until Ctrl-C was pressed `count` times in all: true, or false after `timeout`.
    func wait(untilCount count: Int, timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            let already = state.withLock { state in
                if state.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if already {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = self.state.withLock { state -> [CheckedContinuation<Bool, Never>] in
                    let expired = state.waiters.filter { $0.count == count }.map(\.continuation)
                    state.waiters.removeAll { $0.count == count }
                    return expired
                }
                for continuation in expired { continuation.resume(returning: false) }
            }
        }
    }

    /// Gives Ctrl-C its default action back.
    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
