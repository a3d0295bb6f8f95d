/// Items of the built-in tool types (`shell_call`, `apply_patch_call`) that a client runs.
extension EventFactory {
    /// Emits a `shell_call` item: `output_item.added` (no commands yet), then `response.shell_call_command.added`,
    /// `….delta` and `….done` for each command, then `output_item.done` with the whole action. Returns the item.
    mutating func emitShellCall(commands: [String], timeoutMillis: Int?, outputIndex: Int) -> JSONValue {
        let id = IDGenerator.make("sh")
        let callID = IDGenerator.make("call", hexCount: 24)
        func item(status: String, commands: [String]) -> JSONValue {
            var action: [(String, JSONValue)] = [("commands", .array(commands.map(JSONValue.string)))]
            if let timeoutMillis { action.append(("timeout_ms", .int(timeoutMillis))) }
            return .object([
                ("id", .string(id)), ("type", .string("shell_call")), ("status", .string(status)),
                ("call_id", .string(callID)), ("action", .object(action)),
                ("environment", .object([("type", .string("local"))])),
            ])
        }
        emit(
            "response.output_item.added",
            [("output_index", .int(outputIndex)), ("item", item(status: "in_progress", commands: []))])
        for (index, command) in commands.enumerated() {
            let location: [(String, JSONValue)] = [("output_index", .int(outputIndex)), ("command_index", .int(index))]
            emit("response.shell_call_command.added", location + [("command", .string(""))])
            for chunk in Self.chunks(command, pieces: 2) {
                emit(
                    "response.shell_call_command.delta",
                    location + [("delta", .string(chunk)), ("obfuscation", .string(IDGenerator.obfuscation()))])
            }
            emit("response.shell_call_command.done", location + [("command", .string(command))])
        }
        let done = item(status: "completed", commands: commands)
        emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", done)])
        return done
    }

    /// Emits an `apply_patch_call` item (`output_item.added` in progress, `output_item.done` completed; the SDK has
    /// no delta event for its diff) and returns it.
    mutating func emitApplyPatchCall(operation: JSONValue, outputIndex: Int) -> JSONValue {
        let id = IDGenerator.make("apc")
        let callID = IDGenerator.make("call", hexCount: 24)
        func item(status: String) -> JSONValue {
            .object([
                ("id", .string(id)), ("type", .string("apply_patch_call")), ("status", .string(status)),
                ("call_id", .string(callID)), ("operation", operation),
            ])
        }
        emit("response.output_item.added", [("output_index", .int(outputIndex)), ("item", item(status: "in_progress"))])
        let done = item(status: "completed")
        emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", done)])
        return done
    }
}
