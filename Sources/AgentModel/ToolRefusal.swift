/// Why the reducer decided that a call the model asked for must never run.
public enum ToolRefusal: String, Codable, Hashable, Sendable {
    /// The run was not given the tool (its `run.started` tool list does not name it): the model asked anyway.
    case notOffered = "not_offered"
    /// The run was given the tool, but the call came as another item type than the run offers it as: a
    /// `shell_call` in a run that offers `shell` as a function tool, a `function_call` of `shell` in a run that
    /// offers the built-in `shell` type, a `custom_tool_call` (agentd offers no custom tools).
    case wrongItemType = "wrong_item_type"
    /// An earlier call of the run (in this response or an earlier one) has the same `call_id`: that one is the
    /// call; this one never runs, and no second output is sent for the id (the API pairs outputs by id).
    case duplicateCallID = "duplicate_call_id"
}
