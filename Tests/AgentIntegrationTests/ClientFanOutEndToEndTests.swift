import AgentModel
import Foundation
import Testing

/// Many real clients on one run of a real agentd over its Unix socket: every client sees the ledger, exactly; a
/// client that stops reading is cut off with a cursor and reattaches from it without a gap or a duplicate.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ClientFanOutEndToEndTests {
    @Test func sixteenClientsOnAThirtyCallRunEachReceiveTheWholeLedgerInOrder() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // Every shell call waits for approval, so all sixteen clients are attached before the run gets past its
        // first call: what they receive is the live fan-out, not only history.
        let starter = try ControlSocket(path: harness.socket)
        let run = try await onThread {
            try starter.initialize(name: "starter")
            return try starter.startRun(
                model: "emu-tools-30", prompt: "thirty steps for sixteen readers", cwd: harness.workDirectory,
                requireApproval: ["shell"])
        }
        let clients = try await withThrowingTaskGroup(of: ControlSocket.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await onThread {
                        let client = try ControlSocket(path: harness.socket)
                        try client.initialize(name: "reader-\(index)")
                        _ = try client.call("run/attach", ["run_id": .string(run)])
                        return client
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(clients.count == 16)

        // Each client reads on a thread of its own while the starter approves the calls as they come.
        let readers = clients.map { client in Task { try await onThread { try client.readUntilAttachEnded() } } }
        let approver = try await onThread { try starter.approveEveryCall(of: run) }
        var transcripts: [AttachTranscript] = []
        for reader in readers { transcripts.append(try await reader.value) }

        let ledger = try await harness.ledger(run)
        #expect(ledger.map(\.seq) == Array(0..<Int64(ledger.count)))
        #expect(ledger.last?.type == RunEventType.completed)
        #expect(ledger.filter { $0.type == "tool.started" }.count == 30)
        let expected = AttachTranscript(events: ledger, endReason: "run_ended", nextSeq: Int64(ledger.count))
        let mismatched = transcripts.indices.filter { transcripts[$0] != expected }
        #expect(mismatched.isEmpty, "clients \(mismatched) differ from the ledger (\(ledger.count) events)")
        #expect(approver.transcript == expected)
        #expect(approver.approved == 30)
    }

    @Test func aClientThatStopsReadingIsCutOffAndReattachesWithoutGapOrDuplicate() async throws {
        // 2,048 queued events per connection (above the 1,024 events of one history page, which an attach from
        // seq 0 queues at once): a client that stops reading is cut off once the kernel's and the channel's
        // buffers and this queue are full (here after about 2,600 events, 1 MB). The run streams 4,000 deltas.
        let harness = try await DaemonHarness(daemonConfig: """
            [control]
            outbound_queue_limit = 2048
            """)
        defer { Task { await harness.stop() } }
        let starter = try ControlSocket(path: harness.socket)
        let run = try await onThread {
            try starter.initialize(name: "starter")
            return try starter.startRun(model: "emu-text-deltas-4000", prompt: "a long answer", cwd: harness.workDirectory)
        }
        let slow = try ControlSocket(path: harness.socket, receiveBufferBytes: 4096)
        try await onThread {
            try slow.initialize(name: "slow")
            _ = try slow.call("run/attach", ["run_id": .string(run)])
        }
        // The slow client reads nothing until the other client has everything and the run has ended.
        let good = try ControlSocket(path: harness.socket)
        let complete = try await onThread {
            try good.initialize(name: "good")
            _ = try good.call("run/attach", ["run_id": .string(run)])
            return try good.readUntilAttachEnded()
        }
        let ledger = try await harness.ledger(run)
        #expect(ledger.last?.type == RunEventType.completed)
        #expect(complete == AttachTranscript(events: ledger, endReason: "run_ended", nextSeq: Int64(ledger.count)))

        // What the slow client was sent: a gapless prefix, then the cut-off with the seq to reattach from.
        let cut = try await onThread { try slow.readUntilAttachEnded() }
        #expect(cut.endReason == "slow_consumer")
        let resumeFrom = try #require(cut.nextSeq)
        #expect(cut.events.map(\.seq) == Array(0..<resumeFrom))
        #expect(resumeFrom < Int64(ledger.count))

        // Reattaching from that seq delivers the rest: together exactly the ledger. (A reattach to history can be
        // cut off again, since history is queued a page at a time; each cut must then move the cursor forward.)
        var joined = cut.events
        var ends: [AttachTranscript] = []
        var from = resumeFrom
        while true {
            let seq = from
            let part = try await onThread {
                _ = try slow.call("run/attach", ["run_id": .string(run), "from_seq": .number(Double(seq))])
                return try slow.readUntilAttachEnded()
            }
            joined += part.events
            ends.append(AttachTranscript(endReason: part.endReason, nextSeq: part.nextSeq))
            guard part.endReason == "slow_consumer", let next = part.nextSeq, next > seq else { break }
            from = next
        }
        #expect(ends.last == AttachTranscript(endReason: "run_ended", nextSeq: Int64(ledger.count)), "\(ends)")
        #expect(joined == ledger)
    }
}

extension ControlSocket {
    /// `run/start`; returns the run's id.
    func startRun(model: String, prompt: String, cwd: String, requireApproval: [String] = []) throws -> String {
        var params: [String: JSONValue] = ["model": .string(model), "prompt": .string(prompt), "cwd": .string(cwd)]
        if !requireApproval.isEmpty { params["require_approval"] = .array(requireApproval.map(JSONValue.string)) }
        let result = try call("run/start", .object(params))
        guard let id = result["run"]?["id"]?.stringValue else { throw HarnessError("run/start without an id: \(result)") }
        return id
    }

    /// Attaches to `run` and approves each call that asks, until the run ends.
    ///
    /// - Returns: what the subscription delivered and how many calls were approved.
    func approveEveryCall(of run: String) throws -> (transcript: AttachTranscript, approved: Int) {
        _ = try call("run/attach", ["run_id": .string(run)])
        var transcript = AttachTranscript()
        var approved = 0
        while true {
            let partial = try readUntilAttachEnded(stopAtApprovalRequest: true)
            transcript.events += partial.events
            guard partial.endReason == nil else {
                transcript.endReason = partial.endReason
                transcript.nextSeq = partial.nextSeq
                return (transcript, approved)
            }
            let request = try JSONCoding.decode(ApprovalRequested.self, from: partial.events.last!.payload)
            let params: JSONValue = ["run_id": .string(run), "call_id": .string(request.callID), "approve": true]
            _ = try call("approval/resolve", params)
            approved += 1
        }
    }
}
