import AgentModel
import AgentProtocol
import Testing
import TestSupport

@Suite("tool/output golden JSON")
struct ToolOutputGoldenTests {
    @Test func requestWithDefaults() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(3), ToolOutput.self, ToolOutput.Params(runID: RunID(rawValue: "run_1"), callID: "call_7")),
            json: #"{"id":3,"jsonrpc":"2.0","method":"tool/output","params":{"call_id":"call_7","run_id":"run_1"}}"#)
    }

    @Test func requestWithEveryParam() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(4), ToolOutput.self,
                ToolOutput.Params(
                    runID: RunID(rawValue: "run_1"), callID: "call_7", stream: .stderr, offset: 10, limit: 20)),
            json: #"{"id":4,"jsonrpc":"2.0","method":"tool/output","params":{"call_id":"call_7","limit":20,"offset":10,"#
                + #""run_id":"run_1","stream":"stderr"}}"#)
    }

    @Test func result() throws {
        try checkCoding(
            JSONRPCResponse(
                id: .number(4),
                result: ToolOutput.Result(
                    runID: RunID(rawValue: "run_1"), callID: "call_7", stream: .stdout, source: .blob,
                    totalBytes: 300_000, offset: 0, dataBase64: "aGk=")),
            json: #"{"id":4,"jsonrpc":"2.0","result":{"call_id":"call_7","data_base64":"aGk=","offset":0,"#
                + #""run_id":"run_1","source":"blob","stream":"stdout","total_bytes":300000}}"#)
    }
}
