import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// The C-API event reader returns exactly what was appended, whatever the kind, type and payload bytes.
@Suite struct EventReaderTests {
    @Test func everyKindTypeAndPayloadReadsBackByteForByte() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        let rows: [(EventKind, String, String)] = [
            (.run, RunEventType.started, #"{"model":"m"}"#),
            (.upstreamOut, "response.create", #"{"type":"response.create"}"#),
            (.upstreamIn, "response.output_text.delta", ""),
            (.upstreamIn, "response.output_text.delta", #"{"delta":"é😀\u0000"}"#),
            (.upstreamIn, "response.output_text.delta", String(repeating: "ü", count: 5_000)),
            (.upstreamIn, "response.completed", "{}"),
            (.tool, ToolEventType.started, #"{"call_id":"c"}"#),
            (.tool, ToolEventType.finished, #"{"call_id":"c","output":"line\nnext"}"#),
            (.control, "approval.requested", "{}"),
            (.run, RunEventType.completed, "{}"),
        ]
        let events = rows.enumerated().map { index, row in
            LedgerEvent(
                runID: run, seq: Int64(index), timestampMillis: 1_000 + Int64(index), kind: row.0, type: row.1,
                payload: row.2)
        }

        try await ledger.append(events)
        let all = try await ledger.events(of: run, fromSeq: 0, limit: 100)
        let middle = try await ledger.events(of: run, fromSeq: 3, limit: 4)

        #expect(all == events)
        #expect(middle == Array(events[3..<7]))
    }
}
