import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("HTTP and SSE")
struct SSETests {
    @Test("POST /v1/responses with stream:true sends the same events as WebSocket and chains via the store")
    func sseToolChain() async throws {
        try await withEmulator { emulator, url in
            let endpoint = url.appendingPathComponent("responses")
            let (body, status) = try await httpRequest(
                endpoint,
                method: "POST",
                body: #"{"model":"emu-tools-1","input":"go","stream":true}"#,
                authorization: "Bearer sk-test"
            )
            #expect(status == 200)
            let events = parseServerSentEvents(body)
            let frames = try events.map { try parse($0.data) }
            #expect(events.map(\.event) == frames.types)
            let deltaCount = frames.frames(ofType: "response.function_call_arguments.delta").count
            #expect(frames.types == ToolChainTests.toolTurnTypes(deltas: deltaCount))
            #expect(frames.sequenceNumbers == Array(0..<frames.count))
            #expect(!body.contains("[DONE]"))
            #expect(frames.streamIDs == [nil])

            // Same event types as the WebSocket transport for the same request.
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-tools-1", input: .string("go")))
                #expect(try await socket.readResponse().types == frames.types)
            }

            let id = try #require(frames.finalResponse?["id"]?.stringValue)
            let callID = try #require(frames.functionCall?["call_id"]?.stringValue)
            let output = #"{"stdout":"step-0 3\n","stderr":"","exit_code":0}"#
            let continuation = JSONValue.object([
                ("model", .string("emu-tools-1")), ("stream", .bool(true)), ("previous_response_id", .string(id)),
                ("input", .array([toolOutput(callID: callID, output: output)])),
            ])
            let (second, secondStatus) = try await httpRequest(endpoint, method: "POST", body: continuation.serialized)
            #expect(secondStatus == 200)
            let final = try parseServerSentEvents(second).map { try parse($0.data) }
            let text = final.first { $0["type"] == .string("response.output_text.done") }?["text"]?.stringValue
            #expect(text == "Completed 1 tool calls.\ndigest=\(HexSHA256.of("step-0 3\n\n"))")
            #expect(emulator.recorder.httpRequests().count == 2)
            #expect(emulator.recorder.violations() == [])
        }
    }

    @Test("HTTP errors before the stream are JSON bodies; store:false cannot be continued over HTTP")
    func httpErrors() async throws {
        try await withEmulator { _, url in
            let endpoint = url.appendingPathComponent("responses")
            let (body, status) = try await httpRequest(
                endpoint,
                method: "POST",
                body: #"{"model":"emu-text","input":"x","stream":true,"store":false}"#
            )
            #expect(status == 200)
            let last = try parseServerSentEvents(body).last.map { try parse($0.data) }
            let id = try #require(last?["response"]?["id"]?.stringValue)
            let (error, errorStatus) = try await httpRequest(
                endpoint,
                method: "POST",
                body: #"{"model":"emu-text","stream":true,"previous_response_id":"\#(id)"}"#
            )
            #expect(errorStatus == 400)
            #expect(try parse(error) == (try parse(
                #"{"error":{"message":"Previous response with id '\#(id)' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}"#
            )))
            let (badJSON, badStatus) = try await httpRequest(endpoint, method: "POST", body: "{")
            #expect(badStatus == 400)
            #expect(try parse(badJSON)["error"]?["code"] == .string("invalid_json"))
        }
    }

    @Test("without stream:true the final Response object comes back as JSON and can be fetched by id")
    func nonStreaming() async throws {
        try await withEmulator { _, url in
            let endpoint = url.appendingPathComponent("responses")
            let (body, status) = try await httpRequest(endpoint, method: "POST", body: #"{"model":"emu-text","input":"hey"}"#)
            #expect(status == 200)
            let response = try parse(body)
            #expect(response["object"] == .string("response"))
            #expect(response["status"] == .string("completed"))
            let id = try #require(response["id"]?.stringValue)
            let (fetched, fetchedStatus) = try await httpRequest(endpoint.appendingPathComponent(id), method: "GET", body: nil)
            #expect(fetchedStatus == 200)
            #expect(try parse(fetched) == response)
        }
    }

    @Test("emu-fail over SSE: nested in-stream error then response.failed")
    func sseFailure() async throws {
        try await withEmulator { _, url in
            let (body, _) = try await httpRequest(
                url.appendingPathComponent("responses"),
                method: "POST",
                body: #"{"model":"emu-fail","input":"x","stream":true}"#
            )
            let frames = try parseServerSentEvents(body).map { try parse($0.data) }
            #expect(frames.types == ["response.created", "response.in_progress", "error", "response.failed"])
            #expect(frames[2]["error"]?["type"] == .string("server_error"))
        }
    }
}
