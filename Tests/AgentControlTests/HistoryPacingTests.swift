import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing
import TestSupport

/// History is paced by the writer (it waits for room in the connection's queue); only live events that overflow
/// what the client has not drained cut a subscription off.
@Suite("History pacing: long replays through a small queue")
struct HistoryPacingTests {
    static func tinyQueue() -> ControlConfiguration {
        var configuration = ControlConfiguration()
        configuration.outboundQueueLimit = 64
        return configuration
    }

    @Test func aPromptReaderGetsALongHistoryAndTheLiveTailInOneAttach() async throws {
        try await TestServer.with(configuration: Self.tinyQueue()) { server in
            let run = RunID(rawValue: "run_long")
            server.backend.addRun(run, historyCount: 1000)
            let client = try await server.client()
            let subscription = try await client.attach(RunAttach.Params(runID: run, fromSeq: 0))
            let progress = Progress()
            let items = Task {
                var items: [AttachItem] = []
                for try await item in subscription.events {
                    items.append(item)
                    if let seq = item.seq { await progress.update(seq) }
                }
                // The subscription ended (e.g. cut off): release the wait below, the expectations then fail.
                await progress.update(.max)
                return items
            }
            try await withTimeout(.seconds(60), "the whole history") { await progress.wait(until: 999) }
            // Then a few live events and the end, on the same subscription.
            server.backend.emit(run, count: 10)
            server.backend.end(run)
            let received = try await withTimeout(.seconds(20), "the end of the attach") { try await items.value }
            let seqs = received.compactMap(\.seq)
            #expect(seqs == Array(0..<1011))
            #expect(received.last == .ended(reason: .runEnded, nextSeq: 1011))
            await client.close()
        }
    }

    @Test func aReaderThatStopsDuringLiveStreamingIsCutOffAtTheFirstSeqItDidNotGet() async throws {
        try await TestServer.with(configuration: Self.tinyQueue()) { server in
            let run = RunID(rawValue: "run_stall")
            server.backend.addRun(run, historyCount: 1000)
            let raw = try await server.rawClient()
            try raw.send(#"{"jsonrpc":"2.0","id":1,"method":"run/attach","params":{"run_id":"run_stall"}}"#)
            var seqs: [Int64] = []
            var ended: JSONValue?
            // Read the response and the whole history promptly (far more than the queue holds).
            while seqs.count < 1000, let message = try await raw.readJSON() {
                if message["method"] == "run/event" {
                    seqs.append(Int64(message["params"]?["event"]?["seq"]?.intValue ?? -1))
                } else if message["method"] == "run/attach_ended" {
                    ended = message["params"]
                    break
                }
            }
            #expect(ended == nil)
            #expect(seqs == Array(0..<1000))
            // Now the client stops reading while the run streams (far more than the socket buffers hold).
            server.backend.emit(run, count: 4000, payloadBytes: 2000)
            try await withTimeout(.seconds(20), "the stalled subscription to be cut off") {
                await server.backend.waitForSubscribers(run, count: 0)
            }
            server.backend.end(run)
            while ended == nil, let message = try await raw.readJSON() {
                switch message["method"] {
                case "run/event": seqs.append(Int64(message["params"]?["event"]?["seq"]?.intValue ?? -1))
                case "run/attach_ended": ended = message["params"]
                default: Issue.record("unexpected message \(message)")
                }
            }
            // A burst far beyond the queue limit: the cut may come before any live event is written.
            let count = seqs.count
            #expect(count >= 1000 && count < 5000)
            #expect(seqs == Array(0..<Int64(count)))
            #expect(ended?["reason"] == "slow_consumer")
            #expect(ended?["next_seq"]?.intValue == count)
        }
    }
}
