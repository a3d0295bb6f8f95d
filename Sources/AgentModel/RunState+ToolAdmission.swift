extension RunState {
    /// Whether the run was given the tool `call` names (its `run.started` tool list: what was offered upstream).
    public func offers(_ call: ToolCallRecord) -> Bool {
        tools.contains(call.name)
    }

    /// Whether `call` came as the item type the run offers its tool as (see ``ToolFormat/expectedKind(forTool:)``).
    public func offersKind(of call: ToolCallRecord) -> Bool {
        call.kind == toolFormat.expectedKind(forTool: call.name)
    }

    /// Adds a call the model asked for, deciding as it arrives whether it may ever run.
    ///
    /// A call to a tool the run was not given, or given as another item type (a `shell_call` in a run that offers
    /// `shell` as a function tool, or the other way round), or one whose `call_id` an earlier call of the run already
    /// has, is kept (so the ledger and `run/get` show it) but marked with its ``ToolRefusal``: ``nextStep`` refuses it
    /// instead of running it. Only the first call of an id is ever addressed by later events (see
    /// ``callIndex(_:)``), so a repeated id cannot make a finished call look unfinished again.
    mutating func admit(_ call: ToolCallRecord) {
        var call = call
        if toolCalls.contains(where: { $0.callID == call.callID }) {
            call.refusal = .duplicateCallID
        } else if !offers(call) {
            call.refusal = .notOffered
        } else if !offersKind(of: call) {
            call.refusal = .wrongItemType
        }
        toolCalls.append(call)
    }

    /// The index of the call that journal and approval events about `callID` address: the first call of that id
    /// (every later one is a refused duplicate).
    public func callIndex(_ callID: String) -> Int? {
        toolCalls.firstIndex { $0.callID == callID && $0.refusal != .duplicateCallID }
    }
}
