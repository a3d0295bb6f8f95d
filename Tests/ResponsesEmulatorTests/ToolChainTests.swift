import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("emu-tools chain over WebSocket")
struct ToolChainTests {
    /// The event types of one tool turn: reasoning item, then one function call streamed in `deltas` pieces.
    static func toolTurnTypes(deltas: Int) -> [String] {
        ["response.created", "response.in_progress", "response.output_item.added", "response.output_item.done",
            "response.output_item.added"]
            + Array(repeating: "response.function_call_arguments.delta", count: deltas)
            + ["response.function_call_arguments.done", "response.output_item.done", "response.completed"]
    }

    @Test("a two-call chain on a named lane: order, sequence numbers, stream_id echo, digest")
    func twoCallChainOnNamedLane() async throws {
        try await withEmulator { emulator, url in
            try await withSocket(url) { socket in
                let outputs = [#"{"stdout":"step-0 3\n","exit_code":0}"#, "plain output"]
                var previous: String? = nil
                var input: JSONValue = .string("run the steps")
                for step in 0..<2 {
                    try await socket.send(
                        createFrame(model: "emu-tools-2", input: input, previousResponseID: previous, streamID: "main", store: false)
                    )
                    let frames = try await socket.readResponse()
                    let deltas = frames.types.filter { $0 == "response.function_call_arguments.delta" }.count
                    #expect(deltas >= 2)
                    #expect(frames.types == Self.toolTurnTypes(deltas: deltas))
                    #expect(frames.sequenceNumbers == Array(0..<frames.count))
                    #expect(frames.streamIDs == ["main"])

                    let call = try #require(frames.functionCall)
                    #expect(call["name"] == .string("shell"))
                    let arguments = try #require(call["arguments"]?.stringValue)
                    #expect(try parse(arguments) == .object([("cmd", .string("echo step-\(step) $((\(step) * 7 + 3))"))]))
                    let streamed = frames.filter { $0["type"] == .string("response.function_call_arguments.delta") }
                        .compactMap { $0["delta"]?.stringValue }.joined()
                    #expect(streamed == arguments)

                    let response = try #require(frames.finalResponse)
                    #expect(response["status"] == .string("completed"))
                    #expect(response["previous_response_id"] == (previous.map(JSONValue.string) ?? .null))
                    #expect(response["output"]?.arrayValue?.count == 2)
                    if step > 0 {
                        // The continuation hit the lane cache: part of the prompt counts as cached.
                        let cached = response["usage"]?["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
                        #expect(cached > 0)
                    }
                    previous = response["id"]?.stringValue
                    let callID = try #require(call["call_id"]?.stringValue)
                    input = .array([toolOutput(callID: callID, output: outputs[step])])
                }

                try await socket.send(
                    createFrame(model: "emu-tools-2", input: input, previousResponseID: previous, streamID: "main", store: false)
                )
                let frames = try await socket.readResponse()
                #expect(frames.streamIDs == ["main"])
                #expect(frames.sequenceNumbers == Array(0..<frames.count))
                let text = frames.first { $0["type"] == .string("response.output_text.done") }?["text"]?.stringValue
                let expected = HexSHA256.of("step-0 3\n" + "\n" + "plain output" + "\n")
                #expect(text == "Completed 2 tool calls.\ndigest=\(expected)")
                #expect(text?.split(separator: "\n").contains("digest=\(expected)") == true)
                let deltas = frames.filter { $0["type"] == .string("response.output_text.delta") }
                #expect(deltas.count > 1)
                #expect(frames.joinedDeltas("response.output_text.delta") == text)
                let wellFormed = deltas.allSatisfy { $0["logprobs"] == .array([]) && $0["obfuscation"]?.stringValue != nil }
                #expect(wellFormed)
            }
            #expect(emulator.recorder.violations() == [])
            #expect(emulator.recorder.connections().first?.inboundFrames.count == 3)
        }
    }

    @Test("the default lane omits stream_id; emu-text echoes the user")
    func defaultLaneOmitsStreamID() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("hello there")))
                let frames = try await socket.readResponse()
                #expect(frames.streamIDs == [nil])
                #expect(
                    frames.types.prefix(4)
                        == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
                )
                #expect(frames.types.suffix(4) == [
                    "response.output_text.done", "response.content_part.done", "response.output_item.done",
                    "response.completed",
                ])
                let text = frames.filter { $0["type"] == .string("response.output_text.delta") }
                    .compactMap { $0["delta"]?.stringValue }.joined()
                #expect(text == "You said: hello there")
                let usage = try #require(frames.finalResponse?["usage"])
                #expect(usage["input_tokens_details"]?["cache_write_tokens"] == .int(0))
                #expect(usage["output_tokens_details"]?["reasoning_tokens"] != nil)
            }
        }
    }

    @Test("a non-shell tool gets {} arguments")
    func customToolName() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-tools-3-tool-pytest", input: .string("go")))
                let call = try #require(try await socket.readResponse().functionCall)
                #expect(call["name"] == .string("pytest"))
                #expect(call["arguments"] == .string("{}"))
            }
        }
    }

    @Test("generate:false warms up with empty output and can be continued")
    func warmUp() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("preload"), store: false, generate: false))
                let warm = try await socket.readResponse()
                #expect(warm.types == ["response.created", "response.in_progress", "response.completed"])
                #expect(warm.finalResponse?["output"] == .array([]))
                let id = try #require(warm.finalResponse?["id"]?.stringValue)
                try await socket.send(createFrame(model: "emu-text", previousResponseID: id, store: false))
                let answer = try await socket.readResponse()
                #expect(answer.last?["type"] == .string("response.completed"))
                #expect(answer.string("text", ofFirst: "response.output_text.done") == "You said: preload")
            }
        }
    }
}
