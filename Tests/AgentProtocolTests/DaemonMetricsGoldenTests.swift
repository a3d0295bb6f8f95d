import AgentProtocol
import Testing
import TestSupport

@Suite("daemon/metrics golden JSON")
struct DaemonMetricsGoldenTests {
    @Test func request() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(7), DaemonMetrics.self, EmptyObject()),
            json: #"{"id":7,"jsonrpc":"2.0","method":"daemon/metrics","params":{}}"#)
    }

    @Test func result() throws {
        let text = "# TYPE agentd_ledger_events_total counter\nagentd_ledger_events_total 12\n"
        try checkCoding(
            JSONRPCResponse(id: .number(7), result: DaemonMetrics.Result(text: text)),
            json:
                ##"{"id":7,"jsonrpc":"2.0","result":{"content_type":"text/plain; version=0.0.4","text":"# TYPE agentd_ledger_events_total counter\nagentd_ledger_events_total 12\n"}}"##
        )
    }

    @Test func isRegistered() {
        let registered = ControlMethods.requestNames.contains(DaemonMetrics.name)
        #expect(registered)
    }
}
