import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("request-scoped errors over WebSocket")
struct ProtocolErrorTests {
    @Test("an unknown previous_response_id is previous_response_not_found, with stream_id on a named lane")
    func unknownPreviousResponse() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(
                    createFrame(model: "emu-text", input: .string("x"), previousResponseID: "resp_abc", streamID: "main")
                )
                let named = try await socket.readResponse()
                #expect(named == [try parse(
                    #"{"type":"error","status":400,"stream_id":"main","error":{"type":"invalid_request_error","code":"previous_response_not_found","message":"Previous response with id 'resp_abc' not found.","param":"previous_response_id"}}"#
                )])
                try await socket.send(createFrame(model: "emu-text", input: .string("x"), previousResponseID: "resp_abc"))
                let unnamed = try await socket.readResponse()
                #expect(unnamed.first?["stream_id"] == nil)
                #expect(unnamed.first?["error"]?["code"] == .string("previous_response_not_found"))
                // The connection stays usable.
                try await socket.send(createFrame(model: "emu-text", input: .string("still here")))
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
        }
    }

    @Test("an invalid stream_id is rejected verbatim, without echoing it", arguments: ["bad id!", "", String(repeating: "a", count: 257)])
    func invalidStreamID(streamID: String) async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("x"), streamID: streamID))
                #expect(try await socket.readResponse() == [try parse(
                    #"{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"invalid_stream_id","message":"The 'stream_id' field must be a non-empty string with at most 256 characters and may only contain letters, numbers, underscores, hyphens, and periods.","param":"stream_id"}}"#
                )])
            }
        }
    }

    @Test("a duplicated function_call_output is rejected, evicting the same-lane parent")
    func duplicateOutput() async throws {
        try await withEmulator { emulator, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-tools-2", input: .string("go"), store: false))
                let first = try await socket.readResponse()
                let callID = try #require(first.functionCall?["call_id"]?.stringValue)
                let id = try #require(first.finalResponse?["id"]?.stringValue)
                let output = toolOutput(callID: callID, output: "ok")
                try await socket.send(createFrame(model: "emu-tools-2", input: .array([output, output]), previousResponseID: id, store: false))
                let rejected = try await socket.readResponse()
                #expect(rejected.count == 1)
                #expect(rejected.first?["status"] == .int(400))
                #expect(rejected.first?["error"]?["message"] == .string(
                    "Duplicate function call output for call_id \(callID): each function call must be answered exactly once."
                ))
                // store:false and the failed same-lane continuation evicted the parent.
                try await socket.send(createFrame(model: "emu-tools-2", input: .array([output]), previousResponseID: id, store: false))
                #expect(try await socket.readResponse().first?["error"]?["code"] == .string("previous_response_not_found"))
            }
            #expect(emulator.recorder.violations().count == 1)
        }
    }

    @Test("a continuation without the tool output, or with an output for no call, is rejected")
    func missingAndStrayOutputs() async throws {
        try await withEmulator { emulator, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-tools-1", input: .string("go")))
                let first = try await socket.readResponse()
                let callID = try #require(first.functionCall?["call_id"]?.stringValue)
                let id = try #require(first.finalResponse?["id"]?.stringValue)

                try await socket.send(createFrame(model: "emu-tools-1", input: .string("and now?"), previousResponseID: id))
                #expect(try await socket.readResponse().first?["error"]?["message"]
                    == .string("No tool output found for function call \(callID)."))

                // store:true (the default) keeps the parent reachable after the eviction.
                try await socket.send(
                    createFrame(model: "emu-tools-1", input: .array([toolOutput(callID: "call_nope", output: "x")]), previousResponseID: id)
                )
                #expect(try await socket.readResponse().first?["error"]?["message"]
                    == .string("No tool call found for function call output with call_id call_nope."))

                try await socket.send(
                    createFrame(model: "emu-tools-1", input: .array([toolOutput(callID: callID, output: "x")]), previousResponseID: id)
                )
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
            #expect(emulator.recorder.violations().count == 2)
        }
    }

    @Test("unknown models, malformed JSON, unknown frame types and background get error frames; the socket stays open")
    func malformedRequests() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "gpt-nope", input: .string("x"), streamID: "a"))
                #expect(try await socket.readResponse() == [try parse(
                    #"{"type":"error","status":400,"stream_id":"a","error":{"type":"invalid_request_error","code":"model_not_found","message":"The model `gpt-nope` does not exist or you do not have access to it.","param":"model"}}"#
                )])
                try await socket.sendRaw("{not json")
                #expect(try await socket.readResponse().first?["error"]?["code"] == .string("invalid_json"))
                try await socket.sendRaw(#"{"type":"response.cancel"}"#)
                #expect(try await socket.readResponse().first?["error"]?["param"] == .string("type"))
                try await socket.send(createFrame(model: "emu-text", input: .string("x")).setting("background", .bool(true)))
                #expect(try await socket.readResponse().first?["error"]?["param"] == .string("background"))
                try await socket.send(createFrame(model: "emu-text", input: .string("ok")).setting("stream", .bool(true)))
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
        }
    }

    @Test("emu-fail streams created, in_progress, an in-stream error, then response.failed")
    func failingModel() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-fail", input: .string("x"), streamID: "f"))
                let frames = try await socket.readResponse()
                #expect(frames.types == ["response.created", "response.in_progress", "error", "response.failed"])
                #expect(frames.sequenceNumbers == [0, 1, 2, 3])
                #expect(frames[2]["error"]?["code"] == .string("server_error"))
                #expect(frames.streamIDs == ["f"])
                #expect(frames.finalResponse?["error"]?["code"] == .string("server_error"))
                #expect(frames.finalResponse?["status"] == .string("failed"))
            }
        }
    }

    @Test("the 33rd distinct stream_id hits websocket_stream_limit_reached")
    func streamLimit() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                for lane in 1...32 {
                    try await socket.send(createFrame(model: "emu-text", streamID: "agent_\(lane)", generate: false))
                    #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
                }
                try await socket.send(createFrame(model: "emu-text", streamID: "agent_33", generate: false))
                #expect(try await socket.readResponse() == [try parse(
                    #"{"type":"error","status":400,"stream_id":"agent_33","error":{"type":"invalid_request_error","code":"websocket_stream_limit_reached","message":"This WebSocket connection has reached its maximum number of distinct stream IDs (32). Reuse an existing stream_id or open a new WebSocket connection.","param":"stream_id"}}"#
                )])
                // Reusing a lane is still fine.
                try await socket.send(createFrame(model: "emu-text", streamID: "agent_7", generate: false))
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
        }
    }

    @Test("response.steer for no active response is answered with response.steer.failed (response_not_found)")
    func steer() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.sendRaw(#"{"type":"response.steer","previous_response_id":"resp_x","input":"faster"}"#)
                let frame = try #require(try await socket.next())
                #expect(frame["type"] == .string("response.steer.failed"))
                #expect(frame["error"]?["code"] == .string("response_not_found"))
                #expect(frame["steer"]?["input"] == .string("faster"))
                // Refused before allocation: no steer id.
                #expect(frame["steer"]?["id"] == nil)
            }
        }
    }
}
