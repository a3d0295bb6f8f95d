import AgentLedger
import AgentModel
import Foundation

/// Measures replay: every run of a ledger read back and folded through ``RunReducer``, as recovery and
/// `run/get` of an inactive run do.
public enum LedgerReplayBenchmark {
    /// What one replay measured.
    public struct Result: Sendable {
        public var runs: Int
        public var events: Int
        public var seconds: Double
        /// Runs whose replayed status is not terminal.
        public var unfinished: Int
        /// CPU seconds (user + system) the process spent meanwhile: on a busy machine, wall time includes waits.
        public var cpuSeconds: Double
        public var eventsPerSecond: Double { Double(events) / max(seconds, 1e-9) }
    }

    /// Replays every run of the ledger at `path`, paging as ``RunManager`` does (4,096 events per read).
    ///
    /// - Throws: ``LedgerOpenError`` or ``LedgerFailure``.
    public static func replayAll(path: String) async throws -> Result {
        let ledger = try Ledger(path: path)
        defer { ledger.close() }
        let clock = ContinuousClock()
        let cpuStart = cpuTime()
        let start = clock.now
        var runs: [RunID] = []
        var before: RunID?
        while true {
            let page = try await ledger.runSummaries(limit: 1000, before: before)
            guard let last = page.last else { break }
            runs += page.map(\.id)
            before = last.id
        }
        var events = 0
        var unfinished = 0
        for id in runs {
            var state = RunState(id: id)
            var next: Int64 = 0
            while true {
                let page = try await ledger.events(of: id, fromSeq: next, limit: 4096)
                for event in page { RunReducer.reduce(&state, event) }
                events += page.count
                guard let last = page.last, page.count == 4096 else { break }
                next = last.seq + 1
            }
            if !state.status.isTerminal { unfinished += 1 }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            runs: runs.count, events: events, seconds: seconds, unfinished: unfinished,
            cpuSeconds: cpuTime() - cpuStart)
    }

    /// User plus system CPU seconds of this process so far.
    static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
