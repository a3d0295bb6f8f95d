/// Output items beyond the plain ones: messages with a status and `phase`, summarized reasoning, compaction.
extension EventFactory {
    /// Emits the events of an assistant message and returns the finished item.
    /// - Parameters:
    ///   - text: the text of its one `output_text` part.
    ///   - phase: `commentary` or `final_answer`, or nil for models that do not label messages.
    ///   - status: `completed`, or `incomplete` for a message cut short (the response then ends incomplete).
    ///   - outputIndex: its index in the response's output.
    mutating func emitMessage(text: String, phase: String?, status: String, outputIndex: Int) -> JSONValue {
        let id = IDGenerator.make("msg")
        func part(_ text: String) -> JSONValue {
            .object([
                ("type", .string("output_text")), ("annotations", .array([])), ("logprobs", .array([])),
                ("text", .string(text)),
            ])
        }
        func item(status: String, content: [JSONValue]) -> JSONValue {
            var members: [(String, JSONValue)] = [
                ("id", .string(id)), ("type", .string("message")), ("status", .string(status)),
                ("content", .array(content)), ("role", .string("assistant")),
            ]
            if let phase { members.append(("phase", .string(phase))) }
            return .object(members)
        }
        let location: [(String, JSONValue)] = [
            ("item_id", .string(id)), ("output_index", .int(outputIndex)), ("content_index", .int(0)),
        ]
        emit(
            "response.output_item.added",
            [("output_index", .int(outputIndex)), ("item", item(status: "in_progress", content: []))]
        )
        emit("response.content_part.added", location + [("part", part(""))])
        for chunk in Self.wordChunks(text) {
            emit(
                "response.output_text.delta",
                location + [
                    ("delta", .string(chunk)), ("logprobs", .array([])),
                    ("obfuscation", .string(IDGenerator.obfuscation())),
                ]
            )
        }
        emit("response.output_text.done", location + [("text", .string(text)), ("logprobs", .array([]))])
        emit("response.content_part.done", location + [("part", part(text))])
        let done = item(status: status, content: [part(text)])
        emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", done)])
        return done
    }

    /// The summary text of a summarized reasoning item at `outputIndex`.
    static func reasoningSummaryText(outputIndex: Int) -> String {
        "Planning the next step: checking what the earlier tool outputs say."
    }

    /// Emits a reasoning item with one streamed summary part (`response.reasoning_summary_part.added`,
    /// `…_text.delta`*, `…_text.done`, `…_part.done`) and returns the finished item.
    mutating func emitSummarizedReasoning(outputIndex: Int, includeEncrypted: Bool) -> JSONValue {
        let id = IDGenerator.make("rs")
        let text = Self.reasoningSummaryText(outputIndex: outputIndex)
        func item(summary: [JSONValue]) -> JSONValue {
            var members: [(String, JSONValue)] = [
                ("id", .string(id)), ("type", .string("reasoning")), ("summary", .array(summary)),
            ]
            if includeEncrypted { members.append(("encrypted_content", .string("gAAAAA" + IDGenerator.randomHex(64)))) }
            return .object(members)
        }
        func part(_ text: String) -> JSONValue {
            .object([("type", .string("summary_text")), ("text", .string(text))])
        }
        let location: [(String, JSONValue)] = [
            ("item_id", .string(id)), ("output_index", .int(outputIndex)), ("summary_index", .int(0)),
        ]
        emit("response.output_item.added", [("output_index", .int(outputIndex)), ("item", item(summary: []))])
        emit("response.reasoning_summary_part.added", location + [("part", part(""))])
        for chunk in Self.wordChunks(text) {
            emit(
                "response.reasoning_summary_text.delta",
                location + [("delta", .string(chunk))])
        }
        emit("response.reasoning_summary_text.done", location + [("text", .string(text))])
        emit("response.reasoning_summary_part.done", location + [("part", part(text))])
        let done = item(summary: [part(text)])
        emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", done)])
        return done
    }

    /// Emits a `compaction` item made by inline compaction (`output_item.added`, `response.compaction.compacting`,
    /// `output_item.done`) and returns it.
    mutating func emitCompaction(_ item: JSONValue, outputIndex: Int) -> JSONValue {
        let id = item["id"] ?? .null
        emit("response.output_item.added", [("output_index", .int(outputIndex)), ("item", item)])
        emit("response.compaction.compacting", [("item_id", id), ("output_index", .int(outputIndex))])
        emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", item)])
        return item
    }
}
