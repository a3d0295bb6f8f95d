import AgentBenchKit
import AgentModel
import Synchronization

/// The `CLOCK_MONOTONIC` instant each text delta committed, recorded by the ledger's commit observer (writer
/// thread) right after the transaction, before the events are published to the hub.
final class FanoutCommitInstants: Sendable {
    private let instants = Mutex<[Int64: Int64]>([:])

    func record(_ events: [LedgerEvent]) {
        let now = MonotonicNanos.now()
        instants.withLock { map in
            for event in events where event.type == UpstreamEventType.outputTextDelta { map[event.seq] = now }
        }
    }

    var all: [Int64: Int64] { instants.withLock { $0 } }
}
