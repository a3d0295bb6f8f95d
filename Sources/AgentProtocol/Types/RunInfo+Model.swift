import AgentModel

// The only place where engine-side model types become wire types.

extension RunInfo {
    /// The wire view of `state`.
    public init(_ state: RunState) {
        self.init(
            id: state.id,
            status: state.status,
            model: state.model,
            prompt: state.prompt,
            cwd: state.cwd,
            outputText: state.outputText,
            createdAtMillis: state.createdAtMillis,
            updatedAtMillis: state.updatedAtMillis,
            lastSeq: state.lastSeq,
            responsesCompleted: state.responsesCompleted,
            toolCalls: state.toolCalls.map(ToolCallInfo.init),
            inputTokens: state.inputTokens,
            outputTokens: state.outputTokens,
            error: state.lastError.map { RunErrorInfo(code: $0.code ?? $0.type, message: $0.message) },
            endReason: state.endReason
        )
        contextTokens = ConversationCompaction.estimatedTokens(state.conversation + state.pendingInput)
        compactions = state.compactions
        turns = state.turns.count
        lastPrompt = state.turns.last?.prompt
        turnList = state.turns.isEmpty ? nil : state.turns
        if !state.approvalRules.isEmpty {
            approvalRules = state.approvalRules.values.sorted { $0.tool < $1.tool }.map(ApprovalRuleInfo.init)
        }
        toolFormat = state.toolFormat
        retry = state.retryWait.map {
            RunRetryInfo(
                code: $0.code, message: $0.message, delayMillis: $0.delayMillis, sinceMillis: $0.sinceMillis,
                serverAsked: $0.serverAsked, attempt: $0.attempt)
        }
    }
}

extension ToolCallInfo {
    /// The wire view of `record`.
    public init(_ record: ToolCallRecord) {
        self.init(
            callID: record.callID,
            name: record.name,
            arguments: record.arguments,
            status: record.status.rawValue,
            exitCode: record.exitCode,
            durationMillis: record.durationMillis,
            approval: record.approval?.rawValue
        )
        error = record.error
        signal = record.signal
        cancelled = record.cancelled
    }
}

extension ApprovalInfo {
    /// The wire view of `record`, a call of `runID` waiting for a decision.
    ///
    /// A call that already started (`running`) waits because its outcome is unknown after a crash; one that has
    /// not started waits because its tool requires approval.
    public init(runID: RunID, record: ToolCallRecord) {
        self.init(
            runID: runID, callID: record.callID, name: record.name, arguments: record.arguments,
            reason: (record.approvalReason
                ?? (record.status == .running ? ApprovalRequested.Reason.uncertain : .policy)).rawValue)
    }
}

extension RunListEntry {
    /// The wire view of `summary`.
    public init(_ summary: RunSummary) {
        self.init(
            id: summary.id,
            status: summary.status,
            model: summary.model,
            prompt: summary.prompt,
            createdAtMillis: summary.createdAtMillis,
            updatedAtMillis: summary.updatedAtMillis,
            turns: summary.turns,
            lastPrompt: summary.lastPrompt
        )
    }
}
