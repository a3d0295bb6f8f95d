import AgentProtocol
import Testing
import TestSupport

/// `daemon/stats`: the measurements as typed values (issue 15 item 6), so no client parses Prometheus text.
@Suite("daemon/stats golden JSON")
struct DaemonStatsGoldenTests {
    @Test func request() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(8), DaemonStats.self, EmptyObject()),
            json: #"{"id":8,"jsonrpc":"2.0","method":"daemon/stats","params":{}}"#)
    }

    @Test func result() throws {
        let result = DaemonStats.Result(
            startedAtMillis: 1_000, takenAtMillis: 61_000, eventsCommitted: 120, ledgerBytes: 65_536,
            upstreamReconnects: 1, turnRetries: 2, connectedClients: 3, attachedClients: 1, approvalsWaiting: 0,
            runsActive: 1,
            timers: [
                .init(
                    metric: "agentd_tool_call_duration_seconds", labels: ["tool": "shell"], count: 2, sumSeconds: 0.5,
                    p50Seconds: 0.25, p95Seconds: 0.5, p99Seconds: 0.5),
                .init(
                    metric: "agentd_turn_overhead_seconds", count: 3, sumSeconds: 0.375, p50Seconds: 0.125,
                    p95Seconds: 0.25, p99Seconds: 0.25),
            ])
        try checkCoding(
            JSONRPCResponse(id: .number(8), result: result),
            json: #"{"id":8,"jsonrpc":"2.0","result":{"approvals_waiting":0,"attached_clients":1,"#
                + #""connected_clients":3,"events_committed":120,"ledger_bytes":65536,"runs_active":1,"#
                + #""started_at_ms":1000,"taken_at_ms":61000,"timers":[{"count":2,"labels":{"tool":"shell"},"#
                + #""metric":"agentd_tool_call_duration_seconds","p50_s":0.25,"p95_s":0.5,"p99_s":0.5,"sum_s":0.5},"#
                + #"{"count":3,"labels":{},"metric":"agentd_turn_overhead_seconds","p50_s":0.125,"p95_s":0.25,"#
                + #""p99_s":0.25,"sum_s":0.375}],"turn_retries":2,"upstream_reconnects":1}}"#)
    }

    @Test func isRegistered() {
        #expect(ControlMethods.requestNames.contains(DaemonStats.name))
    }
}
