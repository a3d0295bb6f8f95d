import AgentModel
import Foundation

/// Turns a run's events into what a person reads: streamed text, one line per tool call, the outcome.
///
/// Everything that comes from the model, a tool or another client goes through ``VisibleText``: control
/// characters are shown, never obeyed by the terminal.
///
/// Pure: the same events always render to the same text, so a replay from the ledger (`attach --from 0`)
/// shows exactly what the live run showed.
struct EventRenderer {
    /// Where the text goes: `output` for the run's content, `diagnostics` for everything else.
    struct Rendered: Equatable {
        var output = ""
        var diagnostics = ""
        /// For `tool.finished`: the call's label (`shell: echo hi`), for a terminal's own tool line.
        var toolLabel: String?
        /// For a run-ending event (`run.failed`, …): the line that says so (a follower replaces it with its summary).
        var ending: String?
    }

    private var atLineStart = true
    private var toolArguments: [String: String] = [:]
    /// Ids of the assistant messages labelled `phase: "commentary"`: progress, shown apart from the answer.
    private var commentaryItems: Set<String> = []
    /// Whether a "thinking" (reasoning summary) line is open on the diagnostics stream.
    private var thinking = false

    /// Renders one event.
    mutating func render(_ event: LedgerEvent) -> Rendered {
        var rendered = Rendered()
        switch (event.kind, event.type) {
        case (.upstreamIn, UpstreamEventType.outputTextDelta):
            guard let json = try? JSONValue.parse(event.payload), let delta = json["delta"]?.stringValue, !delta.isEmpty
            else { break }
            if let item = json["item_id"]?.stringValue, commentaryItems.contains(item) {
                rendered.diagnostics = VisibleText.escaped(delta)
                break
            }
            rendered.output = VisibleText.escaped(delta)
            atLineStart = delta.hasSuffix("\n")
        case (.upstreamIn, UpstreamEventType.outputItemAdded):
            guard let item = (try? JSONValue.parse(event.payload))?["item"],
                item["phase"]?.stringValue == "commentary", let id = item["id"]?.stringValue
            else { break }
            commentaryItems.insert(id)
            rendered.diagnostics = "[commentary] "
        case (.upstreamIn, UpstreamEventType.outputItemDone):
            guard let id = (try? JSONValue.parse(event.payload))?["item"]?["id"]?.stringValue,
                commentaryItems.remove(id) != nil
            else { break }
            rendered.diagnostics = "\n"
        case (.upstreamIn, UpstreamEventType.reasoningSummaryDelta):
            // What the model is thinking about: diagnostics, which a terminal shows dimmed.
            // One line per summary part: the summary's own line breaks would scatter it across the screen.
            guard let delta = Self.field("delta", of: event.payload)?.replacingOccurrences(of: "\n", with: " "),
                !delta.isEmpty
            else { break }
            rendered.diagnostics = (thinking ? "" : "[thinking] ") + VisibleText.escaped(delta)
            thinking = true
        case (.upstreamIn, UpstreamEventType.reasoningSummaryPartDone):
            guard thinking else { break }
            thinking = false
            rendered.diagnostics = "\n"
        case (.run, RunEventType.retryScheduled):
            guard let wait = try? JSONCoding.decode(RetryScheduled.self, from: event.payload) else { break }
            let seconds = String(format: "%.1f", Double(wait.delayMillis) / 1000)
            rendered.diagnostics =
                "(upstream: \(wait.code ?? "error"): retrying in \(seconds) s"
                + (wait.serverAsked ? " as the server asked" : "") + ", attempt \(wait.attempt))\n"
        case (.upstreamIn, CompactionEventType.answer):
            rendered.diagnostics = "(upstream: the conversation was compacted; continuing from the compaction)\n"
        case (.tool, ToolEventType.started):
            guard let started = try? JSONCoding.decode(ToolStarted.self, from: event.payload) else { break }
            toolArguments[started.callID] = Self.summary(name: started.name, arguments: started.arguments)
        case (.tool, ToolEventType.finished):
            guard let finished = try? JSONCoding.decode(ToolFinished.self, from: event.payload) else { break }
            let label = toolArguments.removeValue(forKey: finished.callID) ?? finished.callID
            rendered.toolLabel = label
            rendered.output = lineBreak() + "[tool] \(label) -> \(ToolOutcomeText.describe(finished))\n"
            atLineStart = true
        case (.tool, ToolEventType.refused):
            guard let refused = try? ToolRefused(json: event.payload) else { break }
            let why =
                switch refused.reason {
                case .notOffered: "the run was not given this tool"
                case .wrongItemType: "the run offers this tool as another item type"
                case .duplicateCallID: "its call id repeats an earlier call's"
                }
            rendered.diagnostics = "[tool] \(refused.name) call \(refused.callID) refused, not run: \(why)\n"
        case (.run, RunEventType.completed):
            rendered.output = lineBreak()
            atLineStart = true
        case (.run, RunEventType.failed), (.run, RunEventType.cancelled), (.run, RunEventType.interrupted):
            let ended = try? JSONCoding.decode(RunEnded.self, from: event.payload)
            rendered.output = lineBreak()
            atLineStart = true
            let what = event.type.replacingOccurrences(of: "run.", with: "run ")
            rendered.ending = "\(what): \(ended?.reason.map { VisibleText.escaped($0) } ?? "no reason given")\n"
        case (.control, ControlEventType.approvalRequested):
            guard let requested = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload) else { break }
            let why = requested.reason == .uncertain ? "its outcome is unknown after a restart" : "it needs approval"
            rendered.diagnostics =
                "[approval] \(Self.summary(name: requested.name, arguments: requested.arguments)) waits: \(why); "
                + "approve with: agentctl approve \(event.runID) \(requested.callID) [--deny]\n"
        case (.control, ControlEventType.approvalResolved):
            guard let resolved = try? JSONCoding.decode(ApprovalResolved.self, from: event.payload) else { break }
            let who = DeciderText.describe(
                client: resolved.client, uid: resolved.uid, pid: resolved.pid, tty: resolved.tty)
            rendered.diagnostics =
                "[approval] \(resolved.callID) \(resolved.approved ? "approved" : "denied")"
                + (who.isEmpty ? "" : " by \(who)") + (resolved.reason.map { ": \(VisibleText.escaped($0))" } ?? "") + "\n"
        case (.control, ControlEventType.inputAdded):
            guard let input = try? JSONCoding.decode(InputAdded.self, from: event.payload) else { break }
            rendered.diagnostics = "[input] \(VisibleText.escaped(input.text))\n"
        case (.run, RunEventType.chainReset):
            let reset = try? JSONCoding.decode(ChainReset.self, from: event.payload)
            rendered.diagnostics = "(upstream: continuing with the full conversation: \((reset?.reason).map { VisibleText.escaped($0) } ?? "?"))\n"
        default:
            break
        }
        return rendered
    }

    private func lineBreak() -> String { atLineStart ? "" : "\n" }

    /// `shell: echo hi` for shell calls, else the tool name and its raw arguments; on one line, with control
    /// characters (a newline too) shown visibly, so what a person approves is exactly what runs.
    /// One line naming a call: `shell: CMD` (a `shell_call`'s commands joined by `; `), `apply_patch PATH: +A -R`,
    /// else the tool and its arguments.
    static func summary(name: String, arguments: String) -> String {
        let text: String
        if let command = field("cmd", of: arguments) {
            text = "\(name): \(command)"
        } else if let commands = (try? JSONValue.parse(arguments))?["commands"]?.arrayValue?.compactMap(\.stringValue) {
            text = "\(name): \(commands.joined(separator: "; "))"
        } else if name == "apply_patch", let patch = PatchSummary.of(arguments: arguments) {
            text = "\(name) \(patch)"
        } else {
            text = "\(name) \(arguments)"
        }
        return VisibleText.escaped(text, keepingNewlines: false)
    }

    static func duration(_ millis: Double) -> String {
        millis < 1_000 ? String(format: "%.1f ms", millis) : String(format: "%.2f s", millis / 1_000)
    }

    /// A top-level string field of a JSON object text.
    static func field(_ name: String, of json: String) -> String? {
        (try? JSONValue.parse(json))?[name]?.stringValue
    }
}
