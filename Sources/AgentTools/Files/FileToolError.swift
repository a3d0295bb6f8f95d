import AgentModel
import Glibc

/// A reason a file tool call failed after its arguments were accepted; the model sees `{"error": message}`.
struct FileToolError: Error, Hashable {
    var message: String

    init(_ message: String) { self.message = message }

    /// An error for a failed system call on `path`, e.g. `cannot read 'a.txt': Permission denied`.
    init(_ action: String, _ path: String, errno code: Int32) {
        self.message = "cannot \(action) '\(path)': \(String(cString: strerror(code)))"
    }
}

/// What a file tool returns on success: the text the model sees and how many bytes the caps left out.
struct FileToolResult: Hashable {
    var text: String
    var truncatedBytes: Int = 0
}

/// Runs a file tool's body and turns its result or error into the call's outcome.
enum FileToolRun {
    /// Runs `body`; success is exit code 0, an ``ArgumentError`` is `invalid arguments: …`, any other error its message.
    ///
    /// File tools run in-process, so `exitCode` 0 only says the call succeeded (agentctl shows it as `exit 0`).
    static func outcome(_ body: () throws -> FileToolResult) -> ToolOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try body()
            return ToolOutcome(
                exitCode: 0, output: result.text, durationMillis: (clock.now - start).millis, timedOut: false,
                truncatedBytes: result.truncatedBytes)
        } catch let error as ArgumentError {
            var outcome = error.outcome
            outcome.durationMillis = (clock.now - start).millis
            return outcome
        } catch let error as FileToolError {
            return ToolOutput.error(error.message, durationMillis: (clock.now - start).millis)
        } catch {
            return ToolOutput.error("\(error)", durationMillis: (clock.now - start).millis)
        }
    }
}
