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
            output = Self.errorOutput("the tool '\(call.name)' is not available in this run; the call was not run")
        case .wrongItemType:
            output = Self.errorOutput(Self.wrongItemTypeMessage(call))
        case .duplicateCallID:
            output = nil
        }
        self.init(callID: call.callID, name: call.name, reason: reason, output: output)
    }

    /// What the model is told about a call that came as another item type than its tool is offered as.
    private static func wrongItemTypeMessage(_ call: ToolCallRecord) -> String {
        let name = call.name
        switch call.kind {
        case .function:
            let native = ToolCallKind.allCases.first { $0.toolName == name }?.rawValue ?? "built-in"
            return "the tool '\(name)' is offered in this run as the built-in '\(name)' tool type: call it with a "
                + "\(native) item, not a function_call; the call was not run"
        case .custom:
            return "agentd offers no custom tools: call '\(name)' as the request's tools offer it, not with a "
                + "custom_tool_call; the call was not run"
        case .shell, .applyPatch:
            return "the built-in '\(name)' tool type is not offered in this run ('\(name)' is a function tool: call "
                + "it with a function_call, not a \(call.kind.rawValue)); the call was not run"
        }
    }

    /// The output text of a refused call: `{"error": message}`.
    private static func errorOutput(_ message: String) -> String {
        (try? JSONCoding.encode(JSONValue.object(["error": .string(message)]))) ?? #"{"error":"refused"}"#
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, reason, output
    }
}
