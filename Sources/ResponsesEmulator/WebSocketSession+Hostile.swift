import Foundation

extension WebSocketSession {
    /// Plays a hostile model's frames on `lane` instead of a prepared response (see ``HostileStream``).
    ///
    /// Every frame but the malformed one is a valid event of a response that never ends; the loop stops when the
    /// connection closes (a client's only way to abandon a response over WebSocket).
    func playHostile(_ hostile: HostileStream, request: CreateRequest, lane: LaneID) async {
        let response = ResponseObject(
            id: IDGenerator.make("resp"), createdAt: Int(Date().timeIntervalSince1970), request: request)
        var sequence = 0
        func event(_ type: String, _ fields: [(String, JSONValue)]) -> JSONValue {
            var members: [(String, JSONValue)] = [("type", .string(type)), ("sequence_number", .int(sequence))]
            members += fields
            if let streamID = request.streamID { members.append(("stream_id", .string(streamID))) }
            sequence += 1
            return .object(members)
        }
        send(event("response.created", [("response", response.json)]))
        send(event("response.in_progress", [("response", response.json)]))
        let (chunk, interval): (String, Duration)
        switch hostile {
        case .malformed:
            // Cut off mid-object: not JSON. Then nothing more, as a broken proxy would leave it.
            sendText(#"{"type":"response.output_text.delta","sequence_number":2,"delta":"#)
            return
        case .flood(let bytes, let every):
            (chunk, interval) = (String(repeating: "f", count: max(1, bytes)), every)
        case .trickle(let every):
            (chunk, interval) = (".", every)
        }
        let itemID = IDGenerator.make("msg")
        let item = JSONValue.object([
            ("id", .string(itemID)), ("type", .string("message")), ("status", .string("in_progress")),
            ("content", .array([])), ("role", .string("assistant")),
        ])
        let location: [(String, JSONValue)] = [
            ("item_id", .string(itemID)), ("output_index", .int(0)), ("content_index", .int(0)),
        ]
        send(event("response.output_item.added", [("output_index", .int(0)), ("item", item)]))
        let emptyPart = JSONValue.object([
            ("type", .string("output_text")), ("annotations", .array([])), ("logprobs", .array([])),
            ("text", .string("")),
        ])
        send(event("response.content_part.added", location + [("part", emptyPart)]))
        let start = ContinuousClock.now
        var sent = 0
        while !closed && !Task.isCancelled {
            sent += 1
            // Deadline pacing: a slow writer does not slow the rate down, and the session yields every frame.
            try? await Task.sleep(until: start + interval * sent, clock: .continuous)
            await Task.yield()
            guard !closed else { return }
            send(
                event(
                    "response.output_text.delta",
                    location + [
                        ("delta", .string(chunk)), ("logprobs", .array([])),
                        ("obfuscation", .string(IDGenerator.obfuscation())),
                    ]))
        }
    }
}
