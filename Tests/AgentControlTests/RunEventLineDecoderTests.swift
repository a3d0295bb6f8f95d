@testable import AgentClient
import AgentModel
import AgentProtocol
import Foundation
import Testing

/// The client's one-pass `run/event` decoder reads exactly what `JSONDecoder` reads, and declines anything else.
@Suite("Client run/event fast decode")
struct RunEventLineDecoderTests {
    private static func line(payload: String, seq: Int64 = 7, subscription: String = "sub_3") throws -> Data {
        let event = LedgerEvent(
            runID: RunID(rawValue: "run_x"), seq: seq, timestampMillis: 1_764_170_000_123, kind: .upstreamIn,
            type: "response.output_text.delta", payload: payload)
        let params = RunEventNotification.Params(subscriptionID: subscription, runID: event.runID, event: event)
        return try JSONCoding.encodeData(JSONRPCNotification(RunEventNotification.self, params))
    }

    @Test(arguments: [
        #"{"delta":"hi"}"#, "quotes \" and \\ backslash / slash", "tab\tnewline\n\u{1}", "ünïcödé ✓ 🚀", "",
    ])
    func decodesLikeJSONDecoder(payload: String) throws {
        let data = try Self.line(payload: payload)
        let expected = try JSONCoding.decode(JSONRPCNotification<RunEventNotification.Params>.self, from: data).params
        let fast = RunEventLineDecoder.decode(data)
        #expect(fast == expected)
    }

    @Test func declinesLinesOfAnotherShape() throws {
        let tooLarge = try Self.line(payload: "x", seq: 9_007_199_254_740_993)
        let extraMember = Data(
            #"{"jsonrpc":"2.0","method":"run/event","params":{"event":{"kind":"run","payload":"","run_id":"run_x","seq":0,"ts_ms":1,"type":"t","x":1},"run_id":"run_x","subscription_id":"sub_1"}}"#
                .utf8)
        let badKind = Data(
            #"{"jsonrpc":"2.0","method":"run/event","params":{"event":{"kind":"nope","payload":"","run_id":"run_x","seq":0,"ts_ms":1,"type":"t"},"run_id":"run_x","subscription_id":"sub_1"}}"#
                .utf8)
        let ended = Data(
            #"{"jsonrpc":"2.0","method":"run/attach_ended","params":{"next_seq":3,"reason":"run_ended","subscription_id":"sub_1"}}"#
                .utf8)
        let truncated = try Self.line(payload: "x").dropLast()
        let results = [tooLarge, extraMember, badKind, ended, Data(truncated)].map(RunEventLineDecoder.decode)
        #expect(results == [nil, nil, nil, nil, nil])
    }
}
