import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing

/// `tool/output` slices a stored stream by offset and limit, and refuses what it cannot answer precisely.
@Suite("tool/output over the socket")
struct ToolOutputTests {
    static let run = RunID(rawValue: "run_output")

    @Test func slicesTheStoredStreamAndReportsItsSource() async throws {
        try await TestServer.with { server in
            server.backend.addRun(Self.run)
            let bytes = (0..<1000).map { UInt8($0 % 251) }
            server.backend.setToolOutput(
                StoredToolOutput(source: .blob, bytes: bytes), run: Self.run, callID: "call_1", stream: .stderr)
            let client = try await server.client()
            var received: [UInt8] = []
            var offsets: [Int] = []
            while received.count < bytes.count {
                let slice = try await client.call(
                    ToolOutput.self,
                    ToolOutput.Params(
                        runID: Self.run, callID: "call_1", stream: .stderr, offset: received.count, limit: 300))
                #expect(slice.source == .blob && slice.totalBytes == 1000 && slice.stream == .stderr)
                offsets.append(slice.offset)
                received += try #require(Data(base64Encoded: slice.dataBase64))
            }
            #expect(offsets == [0, 300, 600, 900])
            #expect(received == bytes)
            let past = try await client.call(
                ToolOutput.self, ToolOutput.Params(runID: Self.run, callID: "call_1", stream: .stderr, offset: 5000))
            #expect(past.offset == 1000 && past.dataBase64.isEmpty)
            await client.close()
        }
    }

    @Test func unknownCallsAndBadSlicesGetPreciseErrors() async throws {
        try await TestServer.with { server in
            server.backend.addRun(Self.run)
            let raw = try await server.rawClient()
            let cases: [(params: String, code: Int, field: String?)] = [
                (#"{"run_id":"run_output","call_id":"call_9"}"#, -32602, "call_id"),
                (#"{"run_id":"run_missing","call_id":"call_1"}"#, -32003, nil),
                (#"{"run_id":"run_output","call_id":""}"#, -32602, "call_id"),
                (#"{"run_id":"run_output","call_id":"call_1","offset":-1}"#, -32602, "offset"),
                (#"{"run_id":"run_output","call_id":"call_1","limit":0}"#, -32602, "limit"),
                (#"{"run_id":"run_output","call_id":"call_1","stream":"stdin"}"#, -32602, nil),
            ]
            for (index, testCase) in cases.enumerated() {
                try raw.send(#"{"jsonrpc":"2.0","id":\#(index),"method":"tool/output","params":\#(testCase.params)}"#)
                let answer = try #require(try await raw.readJSON())
                let code = answer["error"]?["code"]?.intValue
                #expect(code == testCase.code, "\(testCase.params): \(answer)")
                if let field = testCase.field {
                    #expect(answer["error"]?["data"]?["field"]?.stringValue == field, "\(testCase.params): \(answer)")
                }
            }
        }
    }
}
