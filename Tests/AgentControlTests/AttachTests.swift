import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing
import TestSupport

@Suite("Attach: history, live events, detach, slow consumers")
struct AttachTests {
    let run = RunID(rawValue: "run_a")

    @Test func historyThenLiveEventsThenRunEnded() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run, historyCount: 5)
            let client = try await server.client()
            let subscription = try await client.attach(RunAttach.Params(runID: run, fromSeq: 2))
            #expect(subscription.run.lastSeq == 4)
            let items = Task { try await collect(subscription.events) }
            // Live events only after the history was seen would be stricter, but ordering holds either way.
            server.backend.emit(run, count: 2)
            server.backend.end(run)
            let received = try await withTimeout(.seconds(20), "attach items") { try await items.value }
            #expect(received.compactMap(\.seq) == [2, 3, 4, 5, 6, 7])
            #expect(received.last == .ended(reason: .runEnded, nextSeq: 8))
            await client.close()
        }
    }

    @Test func theConvenienceStreamYieldsEventsThenTheEndMarker() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run, historyCount: 3)
            server.backend.end(run)
            let client = try await server.client()
            let items = try await withTimeout(.seconds(20)) { try await collect(client.attach(runID: run, fromSeq: 1)) }
            #expect(items.compactMap(\.seq) == [1, 2, 3])
            #expect(items.last == .ended(reason: .runEnded, nextSeq: 4))
            await client.close()
        }
    }

    @Test func detachThenReattachLosesAndDuplicatesNothing() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run, historyCount: 3)
            let client = try await server.client()
            let first = try await client.attach(RunAttach.Params(runID: run))
            var iterator = first.events.makeAsyncIterator()
            var seen: [Int64] = []
            while seen.count < 3, let item = try await iterator.next() { if let seq = item.seq { seen.append(seq) } }
            try await client.detach(subscriptionID: first.subscriptionID)
            let end = try await iterator.next()
            guard case .ended(let reason, let nextSeq)? = end else {
                Issue.record("expected the end marker, got \(String(describing: end))")
                return
            }
            #expect(reason == .detached)
            #expect(nextSeq == 3)
            #expect(try await iterator.next() == nil)
            try await withTimeout(.seconds(10), "release") { await server.backend.waitForSubscribers(run, count: 0) }

            server.backend.emit(run, count: 2)
            let second = try await client.attach(RunAttach.Params(runID: run, fromSeq: nextSeq))
            let rest = Task { try await collect(second.events) }
            server.backend.end(run)
            let received = try await withTimeout(.seconds(20), "reattach items") { try await rest.value }
            #expect(seen + received.compactMap(\.seq) == [0, 1, 2, 3, 4, 5])
            await client.close()
        }
    }

    @Test func fromEndAndLastStartAtTheRightSeq() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run, historyCount: 5)
            let client = try await server.client()
            let last = try await client.attach(RunAttach.Params(runID: run, last: 2))
            let fromEnd = try await client.attach(RunAttach.Params(runID: run, fromEnd: true))
            let lastItems = Task { try await collect(last.events) }
            let endItems = Task { try await collect(fromEnd.events) }
            server.backend.emit(run, count: 1)
            server.backend.end(run)
            #expect(try await withTimeout(.seconds(20)) { try await lastItems.value }.compactMap(\.seq) == [3, 4, 5, 6])
            #expect(try await withTimeout(.seconds(20)) { try await endItems.value }.compactMap(\.seq) == [5, 6])
            await #expect {
                _ = try await client.attach(RunAttach.Params(runID: run, fromSeq: 1, last: 2))
            } throws: { error in
                (error as? ControlError)?.code == .invalidParams
            }
            await client.close()
        }
    }

    @Test func sixteenClientsReceiveIdenticalSequences() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run, historyCount: 10)
            var clients: [ControlClient] = []
            var tasks: [Task<[AttachItem], any Error>] = []
            for index in 0..<16 {
                let client = try await server.client(name: "c\(index)")
                clients.append(client)
                let subscription = try await client.attach(RunAttach.Params(runID: run))
                tasks.append(Task { try await collect(subscription.events) })
            }
            server.backend.emit(run, count: 500, payloadBytes: 100)
            server.backend.end(run)
            var results: [[AttachItem]] = []
            for task in tasks {
                results.append(try await withTimeout(.seconds(30), "a subscriber's events") { try await task.value })
            }
            for client in clients { await client.close() }
            let expected = (0...510).map { Int64($0) }
            for items in results {
                #expect(items.compactMap(\.seq) == expected)
                #expect(items.last == .ended(reason: .runEnded, nextSeq: 511))
                #expect(items == results[0])
            }
        }
    }
}
