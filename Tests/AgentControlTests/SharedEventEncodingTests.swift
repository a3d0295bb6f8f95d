import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing

/// The server encodes each event once and splices each subscription's ids into the line; the bytes must stay the
/// canonical encoding of the notification (sorted keys at every level, as the golden tests pin).
@Suite("Shared event encoding: spliced run/event lines are the canonical bytes")
struct SharedEventEncodingTests {
    @Test func everyAttachedConnectionReceivesTheCanonicalLine() async throws {
        try await TestServer.with { server in
            let run = RunID(rawValue: "run_shared")
            server.backend.addRun(run, historyCount: 3, payloadBytes: 5)
            var clients: [RawSocket] = []
            for _ in 0..<2 {
                let client = try await server.rawClient()
                try client.send(#"{"jsonrpc":"2.0","id":1,"method":"run/attach","params":{"run_id":"run_shared"}}"#)
                let attached = try await client.readJSON()
                #expect(attached?["result"]?["subscription_id"] == "sub_1")
                clients.append(client)
            }
            // A second subscription on the same connection gets its own id spliced into the same event bytes.
            try clients[1].send(#"{"jsonrpc":"2.0","id":2,"method":"run/attach","params":{"run_id":"run_shared"}}"#)
            for (index, client) in clients.enumerated() {
                var seqsBySubscription: [String: [Int64]] = [:]
                let expectedLines = index == 0 ? 3 : 7  // the second client also reads its second attach response
                for _ in 0..<expectedLines {
                    guard let line = try await client.readLine() else { break }
                    guard line.contains(#""method":"run/event""#) else { continue }
                    let decoded = try JSONCoding.decode(
                        JSONRPCNotification<RunEventNotification.Params>.self, from: line)
                    let canonical = try JSONCoding.encode(decoded)
                    #expect(line == canonical)
                    seqsBySubscription[decoded.params.subscriptionID, default: []].append(decoded.params.event.seq)
                    let runID = decoded.params.runID
                    #expect(runID == run)
                }
                let expected: [String: [Int64]] = index == 0 ? ["sub_1": [0, 1, 2]] : ["sub_1": [0, 1, 2], "sub_2": [0, 1, 2]]
                #expect(seqsBySubscription == expected)
            }
        }
    }
}
