import AgentModel
import AgentProtocol

/// The one line printed when a followed run ends: status, calls, tokens, duration, and what to do next.
struct RunSummary: Equatable {
    var id: RunID
    /// The turn of a conversation this line is about (`agentctl chat`), or `nil` for the whole run.
    var turn: Int?
    var status: RunStatus
    var reason: String?
    var toolCalls: Int
    var inputTokens: Int?
    var outputTokens: Int?
    var durationMillis: Double?

    init(_ info: RunInfo) {
        id = info.id
        status = info.status
        reason = info.endReason
        toolCalls = info.toolCalls.count
        inputTokens = info.inputTokens
        outputTokens = info.outputTokens
        durationMillis = Double(max(0, info.updatedAtMillis - info.createdAtMillis))
    }

    /// From the events alone (agentd is gone): no token counts.
    init(id: RunID, status: RunStatus, tally: RunTally) {
        self.id = id
        self.status = status
        reason = tally.endReason
        toolCalls = tally.toolCalls
        if let first = tally.firstMillis, let last = tally.lastMillis { durationMillis = Double(last - first) }
    }

    /// `run run_… completed: 2 tool calls, 812 tokens (700 in, 112 out), 3.10 s`, with the next step for a run
    /// that can go on.
    var line: String {
        var facts = [toolCalls == 1 ? "1 tool call" : "\(toolCalls) tool calls"]
        if let inputTokens, let outputTokens {
            facts.append("\(inputTokens + outputTokens) tokens (\(inputTokens) in, \(outputTokens) out)")
        }
        if let durationMillis { facts.append(EventRenderer.duration(durationMillis)) }
        let why = status == .completed ? "" : " (\(reason.map { VisibleText.escaped($0) } ?? "no reason given"))"
        // A chat named the run already, and the line must fit a terminal's width.
        let subject = turn.map { "turn \($0)" } ?? "run \(id)"
        var text = "\(subject) \(status.rawValue)\(why): " + facts.joined(separator: ", ")
        // In a chat the next step is the next line.
        if turn != nil { return text + "\n" }
        switch status {
        case .interrupted: text += "; resume it with: agentctl resume \(id)"
        case .failed: text += "; retry it with: agentctl resume \(id)"
        case .running, .awaitingApproval: text += "; follow it with: agentctl attach \(id)"
        case .idle: text += "; prompt it with: agentctl send \(id) TEXT"
        case .completed, .cancelled: break
        }
        return text + "\n"
    }
}
