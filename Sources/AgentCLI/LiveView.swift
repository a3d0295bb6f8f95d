import AgentModel
import Foundation

/// Follows a run on a terminal: text as it streams, each tool call as one line with a live spinner and its
/// elapsed time, replaced by its exit code and duration when done, and inline approval prompts.
final class LiveView: Sendable {
    let screen: LiveScreen
    private let prompter: ApprovalPrompter?
    private let ticker: Task<Void, Never>

    /// - Parameter prompts: ask about waiting approvals (needs a terminal on stdin too).
    init(session: Session, runID: RunID, style: TerminalStyle, prompts: Bool) {
        let screen = LiveScreen(style: style)
        self.screen = screen
        prompter = prompts ? ApprovalPrompter(session: session, runID: runID, screen: screen) : nil
        ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                screen.tick()
            }
        }
    }

    /// Shows one event; `rendered` is what ``EventRenderer`` made of it (the plain rendering).
    func show(_ event: LedgerEvent, _ rendered: EventRenderer.Rendered) async {
        let style = screen.style
        switch (event.kind, event.type) {
        case (.tool, ToolEventType.started):
            guard let started = try? JSONCoding.decode(ToolStarted.self, from: event.payload) else { return }
            screen.toolStarted(
                callID: started.callID, label: EventRenderer.summary(name: started.name, arguments: started.arguments),
                startedAtMillis: event.timestampMillis)
        case (.tool, ToolEventType.finished):
            guard let finished = try? JSONCoding.decode(ToolFinished.self, from: event.payload) else { return }
            let success = finished.exitCode == 0 && !finished.timedOut
            let outcome = ToolOutcomeText.outcome(
                exitCode: finished.exitCode, timedOut: finished.timedOut, signal: finished.signal,
                cancelled: finished.cancelled == true)
            let label = rendered.toolLabel ?? finished.callID
            let reason = ToolOutcomeText.reason(
                exitCode: finished.exitCode, timedOut: finished.timedOut, error: finished.launchError)
            let line = "\(style.mark(success: success)) \(label)  \(style.paint(outcome, success ? .green : .red))  "
                + style.paint(EventRenderer.duration(finished.durationMillis), .dim) + (reason.map { "  " + $0 } ?? "")
            screen.toolFinished(callID: finished.callID, line: line)
        case (.control, ControlEventType.approvalRequested) where prompter != nil:
            guard let requested = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload) else { return }
            await prompter?.offer(requested)
        case (.control, ControlEventType.approvalResolved):
            if let resolved = try? JSONCoding.decode(ApprovalResolved.self, from: event.payload) {
                await prompter?.decided(resolved.callID)
            }
            screen.diagnostic(rendered.diagnostics)
        default:
            screen.output(rendered.output)
            screen.diagnostic(rendered.diagnostics.isEmpty ? "" : Self.colored(rendered.diagnostics, event, style))
        }
    }

    /// A turn of a conversation ended: no prompt or spinner of it stays; the view goes on for the next turn.
    func endTurn() async {
        await prompter?.dismiss()
        screen.finish()
    }

    /// The follow ended: stop prompting and drawing.
    func finish() async {
        ticker.cancel()
        await prompter?.stop()
        screen.finish()
    }

    private static func colored(_ text: String, _ event: LedgerEvent, _ style: TerminalStyle) -> String {
        switch event.type {
        case RunEventType.failed, RunEventType.cancelled, RunEventType.interrupted: style.paint(text, .red)
        default: style.paint(text, .dim)
        }
    }
}
