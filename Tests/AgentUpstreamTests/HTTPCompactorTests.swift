import AgentModel
import Foundation
import ResponsesEmulator
import Testing

@testable import AgentUpstream

/// `POST /responses/compact` against the emulator, and the `User-Agent` every request carries.
@Suite(.timeLimit(.minutes(1))) struct HTTPCompactorTests {
    @Test func aConversationIsCompactedOverHTTPWithTheUsualHeaders() async throws {
        try await withEmulator { emulator, baseURL in
            let upstream = SSEUpstream(configuration: testConfiguration(baseURL), logger: .init(label: "test"))
            let body: JSONValue = [
                "model": "emu-text",
                "input": [
                    Items.userMessage("go"), ["type": "message", "role": "assistant", "content": "long answer"],
                ],
            ]
            let answer = try JSONValue.parse(try await upstream.compact(body.serialized))
            #expect(answer["object"] == "response.compaction")
            #expect(answer["output"]?.arrayValue?.map { $0["type"]?.stringValue } == ["message", "compaction"])
            let request = try #require(emulator.recorder.recordedHTTPRequests().last)
            #expect(request.path == "/v1/responses/compact")
            #expect(request.headers["user-agent"] == UpstreamConfiguration.userAgent)
            #expect(request.headers["authorization"] == "Bearer <redacted>")
        }
    }

    @Test func aRefusedCompactionComesBackAsAnErrorFrame() async throws {
        try await withEmulator { _, baseURL in
            let upstream = SSEUpstream(configuration: testConfiguration(baseURL), logger: .init(label: "test"))
            let frame = try JSONValue.parse(try await upstream.compact(#"{"model":"no-such-model","input":[]}"#))
            #expect(frame["type"] == "error")
            #expect(frame["status"] == 400)
            #expect(frame["error"]?["code"] == "model_not_found")
        }
    }

    @Test func theWebSocketUpgradeCarriesTheUserAgent() {
        let configuration = UpstreamConfiguration(url: URL(string: "ws://127.0.0.1:1/v1/responses")!)
        #expect(
            WebSocketPool.clientConfiguration(configuration).additionalHeaders[.userAgent]
                == UpstreamConfiguration.userAgent)
        #expect(UpstreamConfiguration.userAgent.hasPrefix("agentd/"))
    }
}
