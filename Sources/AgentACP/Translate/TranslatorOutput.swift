/// What one ledger event means to an editor following the session (see ``UpdateTranslator``).
public enum TranslatorOutput: Equatable, Sendable {
    /// Send this `session/update`.
    case update(SessionUpdate)
    /// A turn began with this prompt (turn 1 is opened by `run.started`, later ones by `turn.started`).
    case turnStarted(turn: Int, prompt: String)
    /// A call waits for a person's decision: ask with `session/request_permission`.
    case permissionNeeded(PermissionNeed)
    /// A waiting call was decided (by this editor or any other client): an open request for it is moot.
    case approvalSettled(callID: String, approved: Bool)
    /// The turn ended: how, for the `session/prompt` that waits for it.
    case turnEnded(turn: Int, TurnEnd)
}

/// A call that waits for a decision, described for the editor.
public struct PermissionNeed: Equatable, Sendable {
    public var callID: String
    /// The tool's name (an always-rule of the session applies per tool).
    public var tool: String
    /// The call as a `tool_call_update`: id, title, kind, raw input, locations, diffs.
    public var toolCall: ToolCallFields
}

/// How a turn ended.
public enum TurnEnd: Equatable, Sendable {
    /// The turn stopped for this reason, having used these tokens.
    case stopped(StopReason, TurnUsage)
    /// The turn failed (or agentd stopped during it); the message says why and what to do.
    case failed(String)
}
