import AgentModel
import Foundation
import TestSupport

@testable import AgentLedger

/// Collects what the observer sees, and checks each event is readable when it is delivered.
final class ObserverLog: @unchecked Sendable {
    private let lock = NSLock()
    private var delivered: [LedgerEvent] = []
    private var invisible: [LedgerEvent] = []
    private var ledger: Ledger?
    private let verifyVisibility: Bool

    init(verifyVisibility: Bool = false) { self.verifyVisibility = verifyVisibility }

    /// The closure to pass as the ledger's observer.
    var observer: @Sendable ([LedgerEvent]) -> Void {
        { [self] batch in record(batch) }
    }

    /// Sets the ledger read back from inside the observer.
    func attach(_ ledger: Ledger) { lock.withLock { self.ledger = ledger } }

    /// Every event delivered so far, in delivery order.
    var events: [LedgerEvent] { lock.withLock { delivered } }

    /// Events that a reader connection could not see when the observer received them.
    var notYetVisible: [LedgerEvent] { lock.withLock { invisible } }

    private func record(_ batch: [LedgerEvent]) {
        let ledger = lock.withLock { self.ledger }
        var missing: [LedgerEvent] = []
        if verifyVisibility, let ledger {
            for event in batch where (try? ledger.committedEventForTesting(run: event.runID, seq: event.seq)) != event {
                missing.append(event)
            }
        }
        lock.withLock {
            delivered += batch
            invisible += missing
        }
    }
}

/// Builds events for tests.
enum Fixture {
    static let t0: Int64 = 1_700_000_000_000

    static func run(_ n: Int) -> RunID {
        RunID(rawValue: "run_" + String(format: "%012x", 0x18f0000_0000 + n) + "00000000")
    }

    static func delta(_ run: RunID, _ seq: Int64, _ text: String = "x") -> LedgerEvent {
        LedgerEvent(
            runID: run, seq: seq, timestampMillis: t0 + seq, kind: .upstreamIn, type: "response.output_text.delta",
            payload: #"{"delta":"\#(text)","sequence_number":\#(seq),"type":"response.output_text.delta"}"#
        )
    }

    static func deltas(_ run: RunID, _ seqs: Range<Int64>) -> [LedgerEvent] {
        seqs.map { delta(run, $0) }
    }

    static func started(_ run: RunID, _ seq: Int64, model: String = "gpt-test", prompt: String) throws -> LedgerEvent {
        let payload = RunStarted(model: model, prompt: prompt, instructions: nil, cwd: "/tmp", tools: [], client: "t")
        return LedgerEvent(
            runID: run, seq: seq, timestampMillis: t0 + seq, kind: .run, type: RunEventType.started,
            payload: try JSONCoding.encode(payload)
        )
    }

    static func lifecycle(_ run: RunID, _ seq: Int64, _ type: String) -> LedgerEvent {
        LedgerEvent(runID: run, seq: seq, timestampMillis: t0 + seq, kind: .run, type: type, payload: "{}")
    }

    static func command(_ method: String) -> CommandRecord {
        CommandRecord(
            timestampMillis: t0, method: method, params: #"{"x":1}"#, clientName: "agentctl", peerUID: 1000, peerPID: 42
        )
    }
}

extension Ledger {
    /// Every committed event of `run`.
    func allEvents(of run: RunID) async throws -> [LedgerEvent] {
        try await events(of: run, fromSeq: 0, limit: .max)
    }

    /// Returns once `count` events are queued (submitted and not yet taken into a commit).
    func waitUntilQueued(_ count: Int) async {
        while queuedEventCount < count { await Task.yield() }
    }
}
