import AgentModel
import Foundation

/// One ledger event as a line a person reads (`agentctl log` without `--json`): sequence number, time, type and a
/// short summary of the payload, with control characters shown visibly and long text cut.
///
/// Pure: the same event and time zone always give the same line.
enum LogLine {
    /// The longest summary, in characters, before it is cut with `…`.
    static let summaryLimit = 100

    /// `  12  23:41:02.123  tool.finished  call_3 exit 0 in 1.2 ms`
    static func render(_ event: LedgerEvent, timeZone: TimeZone = .current) -> String {
        let seq = String(event.seq)
        let padded = String(repeating: " ", count: max(0, 4 - seq.count)) + seq
        let line = "\(padded)  \(time(event.timestampMillis, timeZone))  \(event.type)"
        let text = summary(of: event)
        guard !text.isEmpty else { return line }
        let oneLine = VisibleText.escaped(text, keepingNewlines: false)
        let cut = oneLine.count > summaryLimit ? String(oneLine.prefix(summaryLimit - 1)) + "…" : oneLine
        return line + "  " + cut
    }

    /// `HH:mm:ss.SSS` in `timeZone`.
    static func time(_ millis: Int64, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(millis) / 1_000)
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        let milliseconds = Int(((millis % 1_000) + 1_000) % 1_000)
        return String(
            format: "%02d:%02d:%02d.%03d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, milliseconds)
    }

    /// What the event says, in a few words; empty when its type says it all.
    static func summary(of event: LedgerEvent) -> String {
        switch (event.kind, event.type) {
        case (.run, RunEventType.started):
            guard let started = try? JSONCoding.decode(RunStarted.self, from: event.payload) else { break }
            return "\(started.model) in \(started.cwd): \(started.prompt)"
        case (.run, RunEventType.completed), (.run, RunEventType.failed), (.run, RunEventType.cancelled),
            (.run, RunEventType.interrupted):
            guard let ended = try? JSONCoding.decode(RunEnded.self, from: event.payload) else { break }
            return [ended.code, ended.reason].compactMap { $0 }.joined(separator: ": ")
        case (.run, RunEventType.chainReset):
            return EventRenderer.field("reason", of: event.payload) ?? ""
        case (.run, RunEventType.retryScheduled):
            guard let wait = try? JSONCoding.decode(RetryScheduled.self, from: event.payload) else { break }
            return "attempt \(wait.attempt), in \(EventRenderer.duration(Double(wait.delayMillis))): "
                + "\(wait.code ?? "error"): \(wait.message)"
        case (.tool, ToolEventType.started):
            guard let started = try? JSONCoding.decode(ToolStarted.self, from: event.payload) else { break }
            return "\(started.callID) " + EventRenderer.summary(name: started.name, arguments: started.arguments)
        case (.tool, ToolEventType.finished):
            guard let finished = try? ToolFinished(json: event.payload) else { break }
            return "\(finished.callID) " + ToolOutcomeText.describe(finished)
        case (.tool, ToolEventType.abandoned):
            guard let abandoned = try? ToolAbandoned(json: event.payload) else { break }
            return "\(abandoned.callID): \(abandoned.reason)"
        case (.tool, ToolEventType.refused):
            guard let refused = try? ToolRefused(json: event.payload) else { break }
            return "\(refused.callID) \(refused.name): \(refused.reason.rawValue)"
        case (.control, ControlEventType.approvalRequested):
            guard let requested = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload) else { break }
            return "\(requested.callID) " + EventRenderer.summary(name: requested.name, arguments: requested.arguments)
                + " (\(requested.reason.rawValue))"
        case (.control, ControlEventType.approvalResolved):
            guard let resolved = try? JSONCoding.decode(ApprovalResolved.self, from: event.payload) else { break }
            return "\(resolved.callID) \(resolved.approved ? "approved" : "denied")"
                + " by " + DeciderText.describe(
                    client: resolved.client, uid: resolved.uid, pid: resolved.pid, tty: resolved.tty)
                + (resolved.reason.map { ": \($0)" } ?? "")
        case (.control, ControlEventType.inputAdded):
            return EventRenderer.field("text", of: event.payload) ?? ""
        case (.upstreamIn, UpstreamEventType.outputTextDelta), (.upstreamIn, UpstreamEventType.reasoningSummaryDelta):
            return EventRenderer.field("delta", of: event.payload).map { "\"\($0)\"" } ?? ""
        default:
            return upstreamSummary(of: event)
        }
        return ""
    }

    /// Upstream frames: the response id, an item's type and name, the token usage, an error.
    private static func upstreamSummary(of event: LedgerEvent) -> String {
        guard event.kind == .upstreamIn || event.kind == .upstreamOut, let json = try? JSONValue.parse(event.payload)
        else { return "" }
        var parts: [String] = []
        if let response = json["response"] {
            if let id = response["id"]?.stringValue { parts.append(id) }
            if let usage = response["usage"], let input = usage["input_tokens"]?.intValue,
                let output = usage["output_tokens"]?.intValue
            {
                parts.append("tokens in \(input) out \(output)")
            }
            if let error = response["error"]?["message"]?.stringValue { parts.append(error) }
        }
        if let item = json["item"] {
            let what = [item["type"]?.stringValue, item["name"]?.stringValue].compactMap { $0 }
            parts.append(what.joined(separator: " "))
        }
        if let previous = json["previous_response_id"]?.stringValue { parts.append("after \(previous)") }
        if let input = json["input"]?.arrayValue {
            parts.append("\(input.count) input item\(input.count == 1 ? "" : "s")")
        }
        if let error = json["error"]?["message"]?.stringValue ?? json["message"]?.stringValue { parts.append(error) }
        return parts.filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
