import AgentModel
import AgentProtocol
import Foundation
import Testing

@Suite("Routing and params decoding")
struct HeaderParsingTests {
    private func parse(_ text: String) -> Result<JSONRPCHeader, JSONRPCHeader.HeaderError> {
        JSONRPCHeader.parse(Data(text.utf8))
    }

    @Test func requestWithIntegerAndStringIDs() throws {
        #expect(
            try parse(#"{"jsonrpc":"2.0","id":7,"method":"run/get","params":{}}"#).get().kind
                == .request(id: .number(7), method: "run/get"))
        #expect(
            try parse(#"{"jsonrpc":"2.0","id":"x","method":"initialize"}"#).get().kind
                == .request(id: .string("x"), method: "initialize"))
    }

    @Test func notificationAndResponse() throws {
        #expect(
            try parse(#"{"jsonrpc":"2.0","method":"run/event","params":{}}"#).get().kind
                == .notification(method: "run/event"))
        #expect(try parse(#"{"jsonrpc":"2.0","id":1,"result":{}}"#).get().kind == .response(id: .number(1)))
        #expect(
            try parse(#"{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"m"}}"#).get().kind
                == .response(id: nil))
    }

    @Test func malformedJSONIsAParseErrorWithoutID() {
        guard case .failure(let failure) = parse(#"{"jsonrpc":"2.0","id":1,"#) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.id == nil)
        #expect(failure.error.code == .parseError)
    }

    @Test func wrongEnvelopeIsAnInvalidRequestKeepingTheID() {
        guard case .failure(let failure) = parse(#"{"jsonrpc":"1.0","id":4,"method":"run/get"}"#) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.id == .number(4))
        #expect(failure.error.code == .invalidRequest)
        guard case .failure(let notObject) = parse("[1,2]") else {
            Issue.record("expected a failure")
            return
        }
        #expect(notObject.error.code == .invalidRequest)
    }

    @Test func wrongParamTypeNamesTheField() {
        let line = Data(
            #"{"jsonrpc":"2.0","id":1,"method":"run/attach","params":{"run_id":"run_1","from_seq":"x"}}"#.utf8)
        #expect {
            _ = try ParamsEnvelope<RunAttach.Params>.decode(from: line)
        } throws: { error in
            guard let error = error as? ControlError else { return false }
            return error.code == .invalidParams && error.data == ["field": "from_seq"]
                && error.message.contains("from_seq")
        }
    }

    @Test func aFractionWhereAnIntegerBelongsNamesTheField() {
        // Foundation reports this only as "The given data was not valid JSON." with no coding path.
        let line = Data(#"{"jsonrpc":"2.0","id":1,"method":"run/list","params":{"cursor":"run_1","limit":1.5}}"#.utf8)
        #expect {
            _ = try ParamsEnvelope<RunList.Params>.decode(from: line)
        } throws: { error in
            guard let error = error as? ControlError else { return false }
            return error.code == .invalidParams && error.data == ["field": "limit"]
                && error.message == "invalid params: limit: expected an integer, got 1.5"
        }
    }

    @Test func missingParamNamesTheField() {
        let line = Data(#"{"jsonrpc":"2.0","id":1,"method":"run/get"}"#.utf8)
        #expect {
            _ = try ParamsEnvelope<RunGet.Params>.decode(from: line)
        } throws: { error in
            (error as? ControlError)?.data == ["field": "run_id"]
        }
    }

    @Test func absentParamsDecodeAsEmptyObject() throws {
        let line = Data(#"{"jsonrpc":"2.0","id":1,"method":"run/list"}"#.utf8)
        #expect(try ParamsEnvelope<RunList.Params>.decode(from: line) == RunList.Params())
    }

    @Test func protocolVersionParsing() {
        #expect(ProtocolVersion("1.0") == ProtocolVersion(major: 1, minor: 0))
        #expect(ProtocolVersion("1") == ProtocolVersion(major: 1, minor: 0))
        #expect(ProtocolVersion("2.3") == ProtocolVersion(major: 2, minor: 3))
        #expect(ProtocolVersion("x") == nil)
        #expect(ProtocolVersion("1.0.0") == nil)
    }

    @Test func runInfoMapsRunState() {
        var state = RunState(id: Fixtures.runID)
        state.status = .failed
        state.model = "m"
        state.prompt = "p"
        state.cwd = "/"
        state.createdAtMillis = 1
        state.updatedAtMillis = 2
        state.lastSeq = 4
        state.toolCalls = [ToolCallRecord(callID: "c", name: "shell", arguments: "{}", status: .requested)]
        state.lastError = UpstreamError(type: "server_error", code: nil, message: "boom")
        state.endReason = "upstream_failed"
        var expected = RunInfo(
            id: Fixtures.runID, status: .failed, model: "m", prompt: "p", cwd: "/", outputText: "", createdAtMillis: 1,
            updatedAtMillis: 2, lastSeq: 4, responsesCompleted: 0,
            toolCalls: [ToolCallInfo(callID: "c", name: "shell", arguments: "{}", status: "requested")],
            inputTokens: 0, outputTokens: 0, error: RunErrorInfo(code: "server_error", message: "boom"),
            endReason: "upstream_failed")
        expected.contextTokens = 0
        expected.compactions = 0
        expected.toolFormat = .function
        #expect(RunInfo(state) == expected)
    }
}
