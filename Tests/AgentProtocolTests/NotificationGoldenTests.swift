import AgentModel
import AgentProtocol
import Testing
import TestSupport

@Suite("Notification and error golden JSON")
struct NotificationGoldenTests {
    @Test func runEvent() throws {
        let event = LedgerEvent(
            runID: Fixtures.runID, seq: 3, timestampMillis: 1000, kind: .upstreamIn, type: "response.created",
            payload: #"{"type":"response.created"}"#)
        try checkCoding(
            JSONRPCNotification(
                RunEventNotification.self,
                RunEventNotification.Params(subscriptionID: "sub_1", runID: Fixtures.runID, event: event)),
            json: #"{"jsonrpc":"2.0","method":"run/event","params":{"event":{"kind":"upstream_in","#
                + #""payload":"{\"type\":\"response.created\"}","run_id":"run_1","seq":3,"ts_ms":1000,"#
                + #""type":"response.created"},"run_id":"run_1","subscription_id":"sub_1"}}"#)
    }

    @Test func attachEnded() throws {
        for (reason, text) in [
            (AttachEndReason.runEnded, "run_ended"), (.detached, "detached"), (.slowConsumer, "slow_consumer"),
            (.daemonShutdown, "daemon_shutdown"),
        ] {
            try checkCoding(
                JSONRPCNotification(
                    RunAttachEnded.self,
                    RunAttachEnded.Params(subscriptionID: "sub_2", runID: Fixtures.runID, reason: reason, nextSeq: 7)),
                json: #"{"jsonrpc":"2.0","method":"run/attach_ended","params":{"next_seq":7,"reason":""# + text
                    + #"","run_id":"run_1","subscription_id":"sub_2"}}"#)
        }
    }

    @Test func errorResponseWithID() throws {
        let error = ControlError(code: .runNotFound, message: "run not found", data: ["run_id": "run_9"])
        try checkCoding(
            JSONRPCErrorResponse(id: .string("a"), error: error),
            json:
                #"{"error":{"code":-32003,"data":{"run_id":"run_9"},"message":"run not found"},"id":"a","jsonrpc":"2.0"}"#
        )
    }

    @Test func errorResponseWithNullID() throws {
        try checkCoding(
            JSONRPCErrorResponse(id: nil, error: ControlError(code: .parseError, message: "bad")),
            json: #"{"error":{"code":-32700,"message":"bad"},"id":null,"jsonrpc":"2.0"}"#)
    }

    @Test func errorCodeTable() {
        let table: [(ControlError.Code, Int, Bool)] = [
            (.parseError, -32700, false), (.invalidRequest, -32600, false), (.methodNotFound, -32601, false),
            (.invalidParams, -32602, false), (.internalError, -32603, true), (.notInitialized, -32001, false),
            (.unsupportedProtocolVersion, -32002, false), (.runNotFound, -32003, false), (.overloaded, -32004, true),
            (.requestTooLarge, -32005, false), (.permissionDenied, -32006, false), (.ledgerUnavailable, -32007, true),
            (.approvalNotFound, -32008, false), (.idempotencyKeyReused, -32009, false),
        ]
        for (code, raw, retryable) in table {
            #expect(code.rawValue == raw)
            #expect(code.isRetryable == retryable, "\(raw)")
        }
        #expect(ControlError.Code(-32099).isRetryable == false)
    }
}
