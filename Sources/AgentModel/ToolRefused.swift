/// Payload of `tool.refused`: a call the run must not make, answered without running it.
public struct ToolRefused: Codable, Hashable, Sendable {
    public var callID: String
    public var name: String
    public var reason: ToolRefusal
    /// The output the model receives for the call, or nil when none is sent (a repeated call id is already
    /// answered by the first call of that id).
    public var output: String?

    public init(callID: String, name: String, reason: ToolRefusal, output: String?) {
        self.callID = callID
        self.name = name
        self.reason = reason
        self.output = output
    }

    /// The refusal the engine records for `call`, with the output the reducer chose for its reason.
    public init(refusing call: ToolCallRecord, reason: ToolRefusal) {
        let output: String?
        switch reason {
        case .notOffered:
            let message = "the tool '\(call.name)' is not available in this run; the call was not run"
            output = (try? JSONCoding.encode(JSONValue.object(["error": .string(message)]))) ?? #"{"error":"refused"}"#
        case .duplicateCallID:
            output = nil
        }
        self.init(callID: call.callID, name: call.name, reason: reason, output: output)
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, reason, output
    }
}
