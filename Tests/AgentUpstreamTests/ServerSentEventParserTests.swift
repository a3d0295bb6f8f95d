import AgentModel
import Foundation
import Testing

@testable import AgentUpstream

struct ServerSentEventParserTests {
    private func parse(_ chunks: [String], maxEventSize: Int = 1 << 20) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser(maxEventSize: maxEventSize)
        return try chunks.flatMap { try parser.feed(Array($0.utf8)) }
    }

    @Test func eventsAreSplitOnBlankLinesWithAnyLineEnding() throws {
        let text = "event: a\ndata: {\"n\":1}\n\nevent: b\r\ndata: {\"n\":2}\r\n\r\ndata:{\"n\":3}\r\r"
        #expect(
            try parse([text]) == [
                ServerSentEvent(event: "a", data: #"{"n":1}"#),
                ServerSentEvent(event: "b", data: #"{"n":2}"#),
                ServerSentEvent(event: nil, data: #"{"n":3}"#),
            ])
    }

    @Test func everyChunkBoundaryGivesTheSameEvents() throws {
        let text = "event: response.created\r\ndata: {\"t\":\"héllo ✓\"}\r\n\r\n: keepalive comment\n\ndata: x\n\n"
        let expected = try parse([text])
        #expect(expected.count == 2)
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var parser = ServerSentEventParser(maxEventSize: 1 << 20)
            let events = try parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == expected, "cut at \(cut)")
        }
    }

    @Test func multiLineDataIsJoinedAndCommentsAndUnknownFieldsAreIgnored() throws {
        #expect(
            try parse([": hi\nid: 7\nretry: 10\ndata: one\ndata:two\nbogus\n\n"]) == [
                ServerSentEvent(event: nil, data: "one\ntwo")
            ])
    }

    @Test func eventsWithoutDataAreNotDispatched() throws {
        #expect(try parse(["event: ping\n\n\n\n"]) == [])
    }

    @Test func aLineLongerThanTheLimitIsAnError() throws {
        #expect(throws: ServerSentEventParser.EventTooLarge.self) {
            _ = try parse(["data: " + String(repeating: "x", count: 100)], maxEventSize: 50)
        }
    }
}

struct SSEWireTests {
    @Test func theRequestBodyDropsWebSocketOnlyMembersAndAsksForAStream() throws {
        let frame =
            #"{"type":"response.create","stream_id":"l3","generate":true,"model":"m","store":false,"input":[{"type":"message","role":"user","content":"hi"}]}"#
        let body = try SSEWire.requestBody(fromCreateFrame: frame)
        #expect(
            try JSONCoding.decode(JSONValue.self, from: body)
                == [
                    "model": "m", "store": false, "stream": true,
                    "input": [["type": "message", "role": "user", "content": "hi"]],
                ])
    }

    @Test func aFrameThatIsNotAnObjectIsRefused() {
        #expect(throws: UpstreamLaneError.self) { _ = try SSEWire.requestBody(fromCreateFrame: "[1]") }
    }

    @Test func anAPIErrorBodyBecomesAWebSocketShapedErrorFrame() throws {
        let body =
            #"{"error":{"message":"nope","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#
        let frame = SSEWire.errorFrame(status: 400, body: Array(body.utf8))
        #expect(
            try JSONCoding.decode(JSONValue.self, from: frame)
                == [
                    "type": "error", "status": 400,
                    "error": [
                        "message": "nope", "type": "invalid_request_error", "param": "model", "code": "model_not_found",
                    ],
                ])
        #expect(FrameHeader(parsing: frame).isTerminal)
    }

    @Test func aNonJSONErrorBodyStillGivesAnErrorFrame() throws {
        let frame = SSEWire.errorFrame(status: 502, body: Array("<html>bad gateway</html>".utf8))
        #expect(
            try JSONCoding.decode(JSONValue.self, from: frame)
                == [
                    "type": "error", "status": 502,
                    "error": [
                        "type": "server_error", "code": nil, "param": nil,
                        "message": "HTTP status 502: <html>bad gateway</html>",
                    ],
                ])
    }

    @Test func theEndpointMapsWebSocketSchemesBackToHTTP() throws {
        let plain = try #require(HTTPEndpoint(responsesURL: URL(string: "ws://127.0.0.1:8080/v1/responses")!))
        #expect(plain == HTTPEndpoint(host: "127.0.0.1", port: 8080, useTLS: false, target: "/v1/responses"))
        #expect(plain.hostHeader == "127.0.0.1:8080")
        #expect(plain.serverNameIndication == nil)
        let tls = try #require(HTTPEndpoint(responsesURL: URL(string: "wss://api.openai.com/v1/responses?x=1")!))
        #expect(tls == HTTPEndpoint(host: "api.openai.com", port: 443, useTLS: true, target: "/v1/responses?x=1"))
        #expect(tls.hostHeader == "api.openai.com")
        #expect(tls.serverNameIndication == "api.openai.com")
        #expect(HTTPEndpoint(responsesURL: URL(string: "ftp://h/v1/responses")!) == nil)
    }
}
