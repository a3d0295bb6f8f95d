import AgentModel
import Foundation
import Glibc

/// A reason a file tool call failed after its arguments were accepted; the model sees `{"error": message}`.
struct FileToolError: Error, Hashable {
    var message: String

    init(_ message: String) { self.message = message }

    /// An error for a failed system call on `path`, e.g. `cannot read 'a.txt': Permission denied`.
    init(_ action: String, _ path: String, errno code: Int32) {
        if code == EXDEV {
            // From openat2's RESOLVE_BENEATH: a directory on the path was swapped for a way out since it was checked.
            self.message = "cannot \(action) '\(path)': it now leads outside the workspace (changed while in use)"
        } else {
            self.message = "cannot \(action) '\(path)': \(String(cString: strerror(code)))"
        }
    }
}

/// What a file tool returns on success: the text the model sees and how many bytes the caps left out.
struct FileToolResult: Hashable {
    var text: String
    var truncatedBytes: Int = 0
}

/// Runs a file tool's body and turns its result or error into the call's outcome.
enum FileToolRun {
    /// Runs `body` on a thread of its own under a deadline of `timeout`; success is exit code 0, an
    /// ``ArgumentError`` is `invalid arguments: …`, a ``FileToolStop`` a timed-out (or cancelled) error, any other
    /// error its message.
    ///
    /// Its own thread, not the cooperative pool: a long walk or a backtracking regular expression would otherwise
    /// hold one of the pool's few threads (one per core), and a handful of them would starve every task of the
    /// daemon, the control socket's included. File tools run in-process, so `exitCode` 0 only says the call
    /// succeeded (agentctl shows it as `exit 0`).
    static func outcome(
        timeout: Duration, _ body: @escaping @Sendable (FileToolDeadline) throws -> FileToolResult
    ) async -> ToolOutcome {
        let deadline = FileToolDeadline(timeout: timeout)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: outcome(deadline: deadline, body)) }
            }
        } onCancel: {
            deadline.cancel()
        }
    }

    private static func outcome(
        deadline: FileToolDeadline, _ body: (FileToolDeadline) throws -> FileToolResult
    ) -> ToolOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try body(deadline)
            return ToolOutcome(
                exitCode: 0, output: result.text, durationMillis: (clock.now - start).millis, timedOut: false,
                truncatedBytes: result.truncatedBytes)
        } catch let error as ArgumentError {
            var outcome = error.outcome
            outcome.durationMillis = (clock.now - start).millis
            return outcome
        } catch let stop as FileToolStop {
            var outcome = ToolOutput.error(stop.message, durationMillis: (clock.now - start).millis)
            if case .timedOut = stop { outcome.timedOut = true }
            return outcome
        } catch let error as FileToolError {
            return ToolOutput.error(error.message, durationMillis: (clock.now - start).millis)
        } catch {
            return ToolOutput.error("\(error)", durationMillis: (clock.now - start).millis)
        }
    }
}
