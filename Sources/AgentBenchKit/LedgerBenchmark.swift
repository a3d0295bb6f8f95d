import AgentLedger
import AgentModel
import Foundation

/// Measures the ledger on real files: streamed-delta throughput, single-append latency and read-back speed.
public enum LedgerBenchmark {
    /// Runs every measurement on fresh files in `directory` (removed afterwards).
    ///
    /// - Parameters:
    ///   - directory: An existing directory on the file system to measure (fsync cost depends on it).
    ///   - events: Events streamed per throughput measurement; the read-back pages through this many.
    /// - Throws: ``LedgerOpenError`` or ``LedgerFailure`` if the ledger fails.
    public static func run(directory: String, events: Int) async throws -> LedgerBenchmarkResult {
        try await run(directory: directory, events: events, latencyAppends: 1000)
    }

    /// ``run(directory:events:)`` with fewer latency samples (keeps the test suite fast).
    static func run(directory: String, events: Int, latencyAppends: Int) async throws -> LedgerBenchmarkResult {
        let count = max(1, events)
        let payload = deltaPayload(sequence: 0)
        let full = try await streamed(directory: directory, sync: .full, events: count, runs: 1, keep: true)
        defer { remove(full.ledger.path) }
        let normal = try await streamed(directory: directory, sync: .normal, events: count, runs: 1, keep: false)
        let interleaved = try await streamed(directory: directory, sync: .full, events: count, runs: 8, keep: false)
        let latencies = try await appendLatencies(full.ledger, appends: max(1, latencyAppends))
        let readBack = try await readBack(full.ledger, run: full.runs[0], events: count, pageSize: 1000)
        full.ledger.close()
        return LedgerBenchmarkResult(
            events: count, payloadBytes: payload.utf8.count,
            streamedFullPerSecond: full.perSecond, streamedNormalPerSecond: normal.perSecond,
            interleavedFullPerSecond: interleaved.perSecond, latencySamples: latencies.count,
            appendLatencyP50Millis: Percentiles(millis: latencies).p50, appendLatencyP99Millis: Percentiles(millis: latencies).p99,
            readBackPerSecond: readBack, readPageSize: 1000
        )
    }

    /// Streams `events` deltas round-robin over `runs` runs with `enqueue`, then one `append` per run.
    private static func streamed(
        directory: String, sync: LedgerSync, events: Int, runs: Int, keep: Bool
    ) async throws -> (ledger: Ledger, runs: [RunID], perSecond: Double) {
        let path = directory + "/ledger-bench-\(sync.rawValue)-\(runs)-\(UUID().uuidString).sqlite"
        let ledger = try Ledger(path: path, sync: sync)
        let ids = (0..<runs).map { _ in RunID.generate() }
        let perRun = (events + runs - 1) / runs
        let now = LedgerEvent.nowMillis()
        let clock = ContinuousClock()
        let start = clock.now
        for seq in 0..<Int64(perRun) {
            for id in ids {
                ledger.enqueue([
                    LedgerEvent(
                        runID: id, seq: seq, timestampMillis: now, kind: .upstreamIn,
                        type: "response.output_text.delta", payload: deltaPayload(sequence: seq)
                    )
                ])
            }
        }
        for id in ids {
            try await ledger.append([
                LedgerEvent(
                    runID: id, seq: Int64(perRun), timestampMillis: now, kind: .run, type: RunEventType.completed,
                    payload: "{}"
                )
            ])
        }
        let seconds = seconds(clock.now - start)
        if !keep {
            ledger.close()
            remove(path)
        }
        return (ledger, ids, Double(perRun * runs + runs) / seconds)
    }

    /// Latencies in milliseconds of `appends` sequential single-event appends to a new run.
    private static func appendLatencies(_ ledger: Ledger, appends: Int) async throws -> [Double] {
        let run = RunID.generate()
        let clock = ContinuousClock()
        var latencies: [Double] = []
        latencies.reserveCapacity(appends)
        for seq in 0..<Int64(appends) {
            let event = LedgerEvent(
                runID: run, seq: seq, timestampMillis: LedgerEvent.nowMillis(), kind: .tool,
                type: ToolEventType.started, payload: deltaPayload(sequence: seq)
            )
            let start = clock.now
            try await ledger.append([event])
            latencies.append(seconds(clock.now - start) * 1000)
        }
        return latencies
    }

    /// Events per second paging through the first `events` events of `run`.
    private static func readBack(_ ledger: Ledger, run: RunID, events: Int, pageSize: Int) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var next: Int64 = 0
        var read = 0
        while read < events {
            let page = try await ledger.events(of: run, fromSeq: next, limit: min(pageSize, events - read))
            guard let last = page.last else { break }
            read += page.count
            next = last.seq + 1
        }
        return Double(read) / seconds(clock.now - start)
    }

    /// A typical streamed text delta frame.
    static func deltaPayload(sequence: Int64) -> String {
        #"{"content_index":0,"delta":" the quick brown fox","item_id":"msg_67c9fdcecf488190bdd9a0a5f2c0b7f1","#
            + #""output_index":0,"sequence_number":\#(sequence),"type":"response.output_text.delta"}"#
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return max(1e-9, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
    }

    private static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-verified-clean"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
