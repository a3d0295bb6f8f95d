import Testing

@testable import AgentUpstream

@Suite struct FrameHeaderTests {
    @Test func readsTypeAndStreamIDWhereverTheyAre() {
        let text = #"""
            {"sequence_number":3,"response":{"id":"resp_1","type":"nested","stream_id":"x","output":[{"a":"}]\"{"}]},"stream_id":"l7","type":"response.completed"}
            """#
        #expect(
            FrameHeader(parsing: text)
                == FrameHeader(type: "response.completed", streamID: "l7", hasSequenceNumber: true)
        )
    }

    @Test func defaultLaneFramesHaveNoStreamID() {
        let header = FrameHeader(parsing: #"{"type": "response.output_text.delta", "delta": "a\"b", "n": -1.5e3, "ok": true}"#)
        #expect(header == FrameHeader(type: "response.output_text.delta", streamID: nil))
        #expect(!header.isTerminal)
    }

    @Test func connectionLimitErrorIsConnectionScoped() {
        let text = #"""
            {"type":"error","error":{"type":"invalid_request_error","code":"websocket_connection_limit_reached","message":"Responses websocket connection limit reached (60 minutes)."},"status":400}
            """#
        let header = FrameHeader(parsing: text)
        #expect(header == FrameHeader(type: "error", streamID: nil, errorCode: "websocket_connection_limit_reached"))
        #expect(header.isConnectionScopedError)
        #expect(header.isTerminal)
    }

    @Test func requestScopedErrorKeepsItsLane() {
        let text = #"""
            {"type":"error","status":400,"stream_id":"l2","error":{"type":"invalid_request_error","code":"previous_response_not_found","message":"x","param":"previous_response_id"}}
            """#
        let header = FrameHeader(parsing: text)
        #expect(header == FrameHeader(type: "error", streamID: "l2", errorCode: "previous_response_not_found"))
        #expect(!header.isConnectionScopedError)
    }

    @Test func anErrorWithASequenceNumberIsInStream() {
        let text = #"""
            {"type":"error","sequence_number":2,"stream_id":"l0","error":{"type":"server_error","code":"server_error","message":"boom"}}
            """#
        let header = FrameHeader(parsing: text)
        #expect(header.isInStreamError && header.isTerminal && !header.isResponseTerminal)
        #expect(!FrameHeader(parsing: #"{"type":"error","stream_id":"l0","error":{"code":"x"}}"#).isInStreamError)
    }

    @Test func escapedStringsAreDecoded() {
        #expect(FrameHeader(parsing: #"{"type":"a\u002eb"}"#).type == "a.b")
    }

    @Test func garbageYieldsAnEmptyHeader() {
        #expect(FrameHeader(parsing: "not json") == FrameHeader(type: nil, streamID: nil))
        #expect(FrameHeader(parsing: #"{"type":"#) == FrameHeader(type: nil, streamID: nil))
    }

    @Test func terminalTypes() {
        for type in ["response.completed", "response.failed", "response.incomplete", "response.done", "error"] {
            #expect(FrameHeader(type: type, streamID: nil).isTerminal)
        }
        #expect(!FrameHeader(type: "keepalive", streamID: nil).isTerminal)
    }
}
