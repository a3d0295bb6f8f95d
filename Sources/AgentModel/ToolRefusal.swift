/// Why the reducer decided that a call the model asked for must never run.
public enum ToolRefusal: String, Codable, Hashable, Sendable {
    /// The run was not given the tool (its `run.started` tool list does not name it): the model asked anyway.
    case notOffered = "not_offered"
    /// An earlier call of the run (in this response or an earlier one) has the same `call_id`: that one is the
    /// call; this one never runs, and no second output is sent for the id (the API pairs outputs by id).
    case duplicateCallID = "duplicate_call_id"
}
