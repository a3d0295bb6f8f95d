/// Builds the exact event sequence of one response (§2.4 of the protocol notes), numbering events from 0.
///
/// Every event gets `sequence_number`; events of a named lane get `stream_id`. With `unknownEventEvery` set, an
/// unknown `keepalive` event (which takes the next sequence number) follows every that-many events.
struct EventFactory {
    private let streamID: String?
    private let unknownEventEvery: Int?
    private(set) var events: [JSONValue] = []
    private var sequence = 0
    private var sinceUnknown = 0
    /// Whether the request asked for a reasoning summary (`reasoning.summary` set): reasoning items then stream
    /// `response.reasoning_summary_*` events and carry the summary.
    var reasoningSummary = false

    init(streamID: String?, unknownEventEvery: Int?) {
        self.streamID = streamID
        self.unknownEventEvery = unknownEventEvery.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Appends one event: `type`, `sequence_number`, the given fields, then `stream_id` on a named lane.
    /// - Parameter terminal: true for the last event of the response (never followed by an injected event).
    mutating func emit(_ type: String, _ fields: [(String, JSONValue)], terminal: Bool = false) {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("sequence_number", .int(sequence))]
        members += fields
        append(members, terminal: terminal)
    }

    /// Appends the in-stream `error` event.
    mutating func emitError(_ error: EmulatorError) {
        events.append(error.streamEvent(sequenceNumber: sequence, streamID: streamID))
        sequence += 1
        injectUnknownIfDue()
    }

    private mutating func append(_ members: [(String, JSONValue)], terminal: Bool) {
        var members = members
        if let streamID { members.append(("stream_id", .string(streamID))) }
        events.append(.object(members))
        sequence += 1
        if !terminal { injectUnknownIfDue() }
    }

    private mutating func injectUnknownIfDue() {
        guard let every = unknownEventEvery else { return }
        sinceUnknown += 1
        guard sinceUnknown >= every else { return }
        sinceUnknown = 0
        var members: [(String, JSONValue)] = [("type", .string("keepalive")), ("sequence_number", .int(sequence))]
        if let streamID { members.append(("stream_id", .string(streamID))) }
        events.append(.object(members))
        sequence += 1
    }

    /// Emits the events of one output item at `outputIndex` and returns the finished item.
    mutating func emitItem(_ planned: PlannedItem, outputIndex: Int, includeEncryptedReasoning: Bool) -> JSONValue {
        switch planned {
        case .reasoning where reasoningSummary:
            return emitSummarizedReasoning(outputIndex: outputIndex, includeEncrypted: includeEncryptedReasoning)

        case .reasoning:
            var members: [(String, JSONValue)] = [
                ("id", .string(IDGenerator.make("rs"))), ("type", .string("reasoning")), ("summary", .array([])),
            ]
            if includeEncryptedReasoning {
                members.append(("encrypted_content", .string("gAAAAA" + IDGenerator.randomHex(64))))
            }
            let item = JSONValue.object(members)
            emit("response.output_item.added", [("output_index", .int(outputIndex)), ("item", item)])
            emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", item)])
            return item

        case .functionCall(let name, let arguments, let fixedCallID):
            let id = IDGenerator.make("fc")
            let callID = fixedCallID ?? IDGenerator.make("call", hexCount: 24)
            func item(status: String, arguments: String) -> JSONValue {
                .object([
                    ("id", .string(id)), ("type", .string("function_call")), ("status", .string(status)),
                    ("arguments", .string(arguments)), ("call_id", .string(callID)), ("name", .string(name)),
                ])
            }
            emit(
                "response.output_item.added",
                [("output_index", .int(outputIndex)), ("item", item(status: "in_progress", arguments: ""))]
            )
            for chunk in Self.chunks(arguments, pieces: 4) {
                emit(
                    "response.function_call_arguments.delta",
                    [
                        ("item_id", .string(id)), ("output_index", .int(outputIndex)), ("delta", .string(chunk)),
                        ("obfuscation", .string(IDGenerator.obfuscation())),
                    ]
                )
            }
            emit(
                "response.function_call_arguments.done",
                [("item_id", .string(id)), ("output_index", .int(outputIndex)), ("arguments", .string(arguments))]
            )
            let done = item(status: "completed", arguments: arguments)
            emit("response.output_item.done", [("output_index", .int(outputIndex)), ("item", done)])
            return done

        case .message(let text):
            return emitMessage(text: text, phase: nil, status: "completed", outputIndex: outputIndex)

        case .phasedMessage(let text, let phase):
            return emitMessage(text: text, phase: phase, status: "completed", outputIndex: outputIndex)

        case .shellCall(let commands, let timeoutMillis):
            return emitShellCall(commands: commands, timeoutMillis: timeoutMillis, outputIndex: outputIndex)

        case .applyPatchCall(let operation):
            return emitApplyPatchCall(operation: operation, outputIndex: outputIndex)
        }
    }

    /// Splits `text` into at most `pieces` non-empty chunks of similar length (by character).
    static func chunks(_ text: String, pieces: Int) -> [String] {
        let characters = Array(text)
        guard !characters.isEmpty else { return [] }
        let size = max(1, (characters.count + pieces - 1) / pieces)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
    }

    /// Splits `text` like a tokenizer would: each chunk is a word with its leading whitespace.
    static func wordChunks(_ text: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, !current.isEmpty, !(current.last?.isWhitespace ?? false) {
                chunks.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}
