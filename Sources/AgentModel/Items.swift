/// Builders and readers for Responses API input and output items.
public enum Items {
    /// A user message item with one `input_text` part.
    public static func userMessage(_ text: String) -> JSONValue {
        [
            "type": "message",
            "role": "user",
            "content": [["type": "input_text", "text": .string(text)]],
        ]
    }

    /// A `function_call_output` item answering `callID`.
    public static func functionCallOutput(callID: String, output: String) -> JSONValue {
        ["type": "function_call_output", "call_id": .string(callID), "output": .string(output)]
    }

    /// The output the model receives for a call a person denied.
    public static func denialOutput(uncertain: Bool, reason: String?) -> String {
        var fields: [String: JSONValue] = [
            "error": uncertain
                ? "the outcome of this call is unknown: agentd stopped while it ran, and the user chose not to run it again"
                : "the user denied this tool call"
        ]
        if let reason { fields["reason"] = .string(reason) }
        return (try? JSONCoding.encode(JSONValue.object(fields))) ?? #"{"error":"denied"}"#
    }

    /// The `input` field of a request as a list of items (a bare string becomes one user message).
    public static func normalize(_ input: JSONValue?) -> [JSONValue] {
        switch input {
        case .string(let text): [userMessage(text)]
        case .array(let items): items
        default: []
        }
    }

    /// The concatenated `output_text` of the assistant message items in `output` that answer: messages labelled
    /// `phase: "commentary"` are progress, not the answer (only `final_answer` and unlabelled text counts).
    public static func messageText(_ output: [JSONValue]) -> String {
        var text = ""
        for item in output where item["type"]?.stringValue == "message" && item["phase"]?.stringValue != "commentary" {
            for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "output_text" {
                text += part["text"]?.stringValue ?? ""
            }
        }
        return text
    }
}
