/// Event types the engine writes about a run's lifecycle (kind ``EventKind/run``).
public enum RunEventType {
    public static let started = "run.started"
    public static let completed = "run.completed"
    public static let failed = "run.failed"
    public static let cancelled = "run.cancelled"
    public static let interrupted = "run.interrupted"
    /// An interrupted or crashed run continues (after `run/resume` or at start-up).
    public static let resumed = "run.resumed"
    /// A chain restart: the next request carries the full conversation instead of `previous_response_id`.
    public static let chainReset = "run.chain_reset"
    /// The upstream refused or failed a request and the engine waits before trying again (payload
    /// ``RetryScheduled``); recorded before the wait, so clients see what the run waits for.
    public static let retryScheduled = "run.retry_scheduled"
    /// A new turn of a run that already had one (payload ``TurnStarted``): turn 1 is opened by `run.started` when
    /// it has a prompt; an idle run's first prompt opens turn 1 with this event.
    public static let turnStarted = "turn.started"
    /// The run is a fork of another (payload ``RunForked``, right after its `run.started`): it holds the parent's
    /// conversation up to a turn, so its replay never reads the parent.
    public static let forked = "run.forked"
}

/// Event types of approvals and injected input (kind ``EventKind/control``: a person's decision or words).
public enum ControlEventType {
    /// A tool call waits for a person: the tool requires approval, or its outcome is unknown after a crash.
    public static let approvalRequested = "approval.requested"
    /// A person approved or denied a waiting call.
    public static let approvalResolved = "approval.resolved"
    /// A client injected user input; it goes into the next request.
    public static let inputAdded = "input.added"
}

/// Event types of the tool journal (kind ``EventKind/tool``).
public enum ToolEventType {
    public static let started = "tool.started"
    public static let finished = "tool.finished"
    /// A call of an idempotent tool that agentd killed (SIGTERM) or found cut short (a crash) before it finished:
    /// it runs again when the run goes on. A call of any other tool is never abandoned: it waits for a person.
    public static let abandoned = "tool.abandoned"
    /// The model asked for a call the run must not make (a tool the run was not given, or a repeated call id):
    /// it never ran; the payload carries the output the model receives instead, if any.
    public static let refused = "tool.refused"
}
