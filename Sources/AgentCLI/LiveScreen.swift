import Foundation
import Synchronization

/// The terminal while a run is followed: output scrolls above one status line (a tool's spinner, or an
/// approval prompt) that is redrawn in place and erased before anything else is written.
final class LiveScreen: Sendable {
    private struct State {
        var atLineStart = true
        /// Running tool calls: call id → (label, start in ms since 1970), in start order.
        var tools: [(callID: String, label: String, startedAtMillis: Int64)] = []
        var prompt: String?
        var frame = 0
        var statusShown = false
    }

    let style: TerminalStyle
    private let state = Mutex(State())

    init(style: TerminalStyle) {
        self.style = style
    }

    /// The run's content (streamed text), on stdout.
    func output(_ text: String) {
        guard !text.isEmpty else { return }
        update { state in
            Console.out(text)
            state.atLineStart = text.hasSuffix("\n")
        }
    }

    /// Everything else, on stderr, on a line of its own.
    func diagnostic(_ text: String) {
        guard !text.isEmpty else { return }
        update { state in
            if !state.atLineStart {
                Console.out("\n")
                state.atLineStart = true
            }
            Console.err(text)
        }
    }

    func toolStarted(callID: String, label: String, startedAtMillis: Int64) {
        update { $0.tools.append((callID, label, startedAtMillis)) }
    }

    /// Replaces the call's spinner with its final line.
    func toolFinished(callID: String, line: String) {
        update { state in
            state.tools.removeAll { $0.callID == callID }
            if !state.atLineStart { Console.out("\n") }
            Console.out(line + "\n")
            state.atLineStart = true
        }
    }

    /// Shows `text` on the status line until ``clearPrompt(leaving:)``.
    func showPrompt(_ text: String) {
        update { $0.prompt = text }
    }

    /// Removes the prompt, leaving `line` (the answer) in the scrollback when given.
    func clearPrompt(leaving line: String?) {
        update { state in
            state.prompt = nil
            if let line { Console.err(line + "\n") }
        }
    }

    /// Advances the spinner (called every 100 ms while a run is followed).
    func tick() {
        update { state in state.frame += 1 }
    }

    /// Erases the status line for good (the follow ended).
    func finish() {
        update { state in
            state.tools = []
            state.prompt = nil
        }
    }

    /// Erases the status line, runs `body`, then draws the status line again when there is one to show.
    private func update(_ body: (inout State) -> Void) {
        state.withLock { state in
            if state.statusShown {
                Console.out("\r\u{1B}[2K")
                state.statusShown = false
            }
            body(&state)
            guard state.atLineStart, let status = status(state) else { return }
            Console.out(status)
            state.statusShown = true
        }
    }

    private func status(_ state: State) -> String? {
        let width = max(20, TerminalStyle.columns() - 1)
        if let prompt = state.prompt { return style.paint(Self.truncated(prompt, to: width), .bold) }
        guard let tool = state.tools.last else { return nil }
        let elapsed = Double(Int64(Date().timeIntervalSince1970 * 1000) - tool.startedAtMillis) / 1000
        let time = String(format: "%.1f s", max(0, elapsed))
        let label = Self.truncated(tool.label, to: width - time.count - 4)
        return style.paint(style.spinner(state.frame), .yellow) + " " + label + "  " + style.paint(time, .dim)
    }

    /// At most `width` characters of the first line of `text` (a wrapped status line could not be erased).
    static func truncated(_ text: String, to width: Int) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard line.count > width, width > 3 else { return line }
        return String(line.prefix(width - 3)) + "..."
    }
}
