import Synchronization

/// When a file tool call must stop: its wall-clock limit (`tools.timeout_ms`) or the caller's cancellation.
///
/// File tools run in-process, so nothing can kill them: long loops (a directory walk, a regular expression's
/// backtracking) ask ``check()`` and stop with ``FileToolStop`` instead of running on.
final class FileToolDeadline: Sendable {
    /// The limit, for the message.
    let timeout: Duration
    private let at: UInt64
    private let cancelled = Atomic(false)

    /// A deadline `timeout` from now.
    init(timeout: Duration) {
        self.timeout = timeout
        at = LinuxCalls.monotonicNanos() &+ timeout.nanoseconds
    }

    /// Marks the call cancelled (the task awaiting it was).
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Why the call must stop now, or `nil` to go on.
    var stop: FileToolStop? {
        if cancelled.load(ordering: .relaxed) { return .cancelled }
        return LinuxCalls.monotonicNanos() >= at ? .timedOut(timeout) : nil
    }

    /// Throws ``FileToolStop`` when the call must stop.
    func check() throws(FileToolStop) {
        if let stop { throw stop }
    }
}

/// A file tool call stopped before it finished: its time ran out, or it was cancelled.
enum FileToolStop: Error, Hashable {
    case timedOut(Duration)
    case cancelled

    /// What the model is told; never a result that could be taken for a complete one.
    var message: String {
        switch self {
        case .timedOut(let limit):
            "timed out after \(Int(limit.millis)) ms (tools.timeout_ms) before finishing; the result is incomplete, "
                + "so nothing is reported: narrow the path or simplify the pattern"
        case .cancelled: "cancelled before finishing"
        }
    }
}
