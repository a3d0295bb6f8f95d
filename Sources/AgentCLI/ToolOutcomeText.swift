import AgentModel

/// How a finished tool call ended, in words: the same text on a live run's tool line, in `show` and in `log`.
enum ToolOutcomeText {
    /// `exit 0`, `timed out`, `cancelled, killed by SIGTERM`, `killed by SIGKILL`, or `error` for a call that
    /// never ran.
    static func outcome(exitCode: Int32?, timedOut: Bool, signal: String?, cancelled: Bool) -> String {
        if cancelled { return "cancelled" + (signal.map { ", killed by \($0)" } ?? ", killed") }
        if timedOut { return "timed out" }
        return exitCode.map { "exit \($0)" } ?? signal.map { "killed by \($0)" } ?? "error"
    }

    /// `exit 0 in 1.2 ms`, `cancelled, killed by SIGTERM after 2.01 s`,
    /// `error in 0.1 ms: 'nope' was not found in PATH (/usr/bin)`.
    static func describe(
        exitCode: Int32?, timedOut: Bool, durationMillis: Double?, error: String?, signal: String?, cancelled: Bool
    ) -> String {
        let duration = durationMillis.map { (cancelled ? " after " : " in ") + EventRenderer.duration($0) } ?? ""
        let text = outcome(exitCode: exitCode, timedOut: timedOut, signal: signal, cancelled: cancelled) + duration
        // Why it never ran, on the same line: a bare `error` says nothing about what to fix.
        return text + (reason(exitCode: exitCode, timedOut: timedOut, error: error).map { ": " + $0 } ?? "")
    }

    /// The launch error of a call that never ran, on one line with control characters shown.
    static func reason(exitCode: Int32?, timedOut: Bool, error: String?) -> String? {
        guard exitCode == nil, !timedOut, let error else { return nil }
        return VisibleText.escaped(error, keepingNewlines: false)
    }

    /// The outcome of a `tool.finished` payload, described as the other `describe` does.
    static func describe(_ finished: ToolFinished) -> String {
        describe(
            exitCode: finished.exitCode, timedOut: finished.timedOut, durationMillis: finished.durationMillis,
            error: finished.launchError, signal: finished.signal, cancelled: finished.cancelled == true)
    }
}
