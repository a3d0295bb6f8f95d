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
            durationMillis: record.durationMillis
        )
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
            updatedAtMillis: summary.updatedAtMillis
        )
    }
}
