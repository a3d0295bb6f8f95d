extension Items {
    /// Output item types that need nothing from agentd: messages, reasoning, compaction, and tool calls the
    /// server itself ran. Any other type that is not a tool call agentd runs fails the turn (see ``RunReducer``).
    public static let passiveOutputTypes: Set<String> = [
        "message", "reasoning", "compaction", "web_search_call", "file_search_call", "image_generation_call",
        "code_interpreter_call", "mcp_call", "mcp_list_tools", "tool_search_call", "tool_search_output",
        "additional_tools", "program", "program_output",
    ]

    /// The item that answers `call`: a `function_call_output`, `shell_call_output`, `apply_patch_call_output` or
    /// `custom_tool_call_output`.
    ///
    /// - Parameters:
    ///   - output: what the tool produced (``ToolFinished/output``) or a denial; for a shell call, the JSON array of
    ///     its command entries. Text that is not such an array (an argument error, a denial) becomes one entry
    ///     whose stderr is the text.
    ///   - exitCode: the call's exit code; an `apply_patch_call` is `completed` exactly when it is 0.
    public static func toolOutput(for call: ToolCallRecord, output: String, exitCode: Int32?) -> JSONValue {
        var item: [String: JSONValue] = ["type": .string(call.kind.outputType), "call_id": .string(call.callID)]
        switch call.kind {
        case .function, .custom:
            item["output"] = .string(output)
        case .shell:
            if let entries = try? JSONValue.parse(output), let list = entries.arrayValue,
                !list.isEmpty, list.allSatisfy({ $0["outcome"] != nil })
            {
                item["output"] = entries
            } else {
                let outcome: JSONValue = ["type": "exit", "exit_code": .number(Double(exitCode ?? 1))]
                item["output"] = [["stdout": "", "stderr": .string(output), "outcome": outcome]]
            }
            // The API asks for the call's own `max_output_length` back with the output.
            if let limit = (try? JSONValue.parse(call.arguments))?["max_output_length"], limit.intValue != nil {
                item["max_output_length"] = limit
            }
        case .applyPatch:
            item["status"] = exitCode == 0 ? "completed" : "failed"
            item["output"] = .string(output)
        }
        if let caller = call.caller { item["caller"] = caller }
        return .object(item)
    }
}
