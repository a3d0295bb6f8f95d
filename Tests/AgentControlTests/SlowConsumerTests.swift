import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing
import TestSupport

/// The highest seq a subscriber has seen, with waiters (no polling).
actor Progress {
    private var seen: Int64 = -1
    private var waiters: [(Int64, CheckedContinuation<Void, Never>)] = []

    func update(_ seq: Int64) {
        seen = max(seen, seq)
        let ready = waiters.filter { $0.0 <= seen }
        waiters.removeAll { $0.0 <= seen }
        for waiter in ready { waiter.1.resume() }
    }

    func wait(until seq: Int64) async {
        if seen >= seq { return }
        await withCheckedContinuation { waiters.append((seq, $0)) }
    }
}

@Suite("Slow consumers and shutdown")
struct SlowConsumerTests {
    @Test func aSlowConsumerIsCutOffWhileAnotherReceivesEverything() async throws {
        var configuration = ControlConfiguration()
        configuration.outboundQueueLimit = 256
        try await TestServer.with(configuration: configuration) { server in
            let run = RunID(rawValue: "run_slow")
            server.backend.addRun(run, historyCount: 1)

            // The slow client attaches, reads the attach response, then stops reading.
            let slow = try await server.rawClient()
            try slow.send(#"{"jsonrpc":"2.0","id":1,"method":"run/attach","params":{"run_id":"run_slow"}}"#)
            let attached = try await slow.readJSON()
            #expect(attached?["result"]?["subscription_id"] == "sub_1")

            let good = try await server.client(name: "good")
            let subscription = try await good.attach(RunAttach.Params(runID: run))
            let progress = Progress()
            let goodItems = Task {
                var items: [AttachItem] = []
                for try await item in subscription.events {
                    items.append(item)
                    if let seq = item.seq { await progress.update(seq) }
                }
                return items
            }

            // The producer emits synchronously (it cannot wait on any client) in bursts smaller than the queue
            // limit, pacing itself only on the reading client.
            let bursts = 100
            let burst = 50
            for index in 0..<bursts {
                server.backend.emit(run, count: burst, payloadBytes: 1000)
                let target = Int64((index + 1) * burst)
                try await withTimeout(.seconds(20), "the good client to reach seq \(target)") {
                    await progress.wait(until: target)
                }
            }
            // The slow subscription was cut and its backend stream released; the run went on.
            try await withTimeout(.seconds(20), "the slow subscription to be released") {
                await server.backend.waitForSubscribers(run, count: 1)
            }
            server.backend.end(run)
            let total = Int64(bursts * burst) + 2  // run.started + bursts + run.completed
            let received = try await withTimeout(.seconds(20), "the good client's end") { try await goodItems.value }
            #expect(received.compactMap(\.seq) == Array(0..<total))
            #expect(received.last == .ended(reason: .runEnded, nextSeq: total))

            // Now the slow client reads what it was sent: a gapless prefix, then the cut-off with the resume cursor.
            var seqs: [Int64] = []
            var ended: JSONValue?
            while ended == nil, let message = try await slow.readJSON() {
                switch message["method"] {
                case "run/event": seqs.append(Int64(message["params"]?["event"]?["seq"]?.intValue ?? -1))
                case "run/attach_ended": ended = message["params"]
                default: Issue.record("unexpected message \(message)")
                }
            }
            #expect(!seqs.isEmpty && seqs.count < Int(total) - 1)
            #expect(seqs == Array(0..<Int64(seqs.count)))
            #expect(ended?["reason"] == "slow_consumer")
            #expect(ended?["next_seq"]?.intValue == seqs.count)
            await good.close()
        }
    }

    @Test func shutdownEndsSubscriptionsWithDaemonShutdown() async throws {
        try await TestServer.with { server in
            let run = RunID(rawValue: "run_b")
            server.backend.addRun(run, historyCount: 3)
            let client = try await server.client()
            let subscription = try await client.attach(RunAttach.Params(runID: run))
            var iterator = subscription.events.makeAsyncIterator()
            var seqs: [Int64] = []
            while seqs.count < 3, let item = try await iterator.next() { if let seq = item.seq { seqs.append(seq) } }
            try await server.stop()
            let end = try await iterator.next()
            #expect(seqs == [0, 1, 2])
            #expect(end == .ended(reason: .daemonShutdown, nextSeq: 3))
            #expect(!FileManager.default.fileExists(atPath: server.socketPath))
            try await withTimeout(.seconds(10), "backend release") { await server.backend.waitForSubscribers(run, count: 0) }
        }
    }
}
