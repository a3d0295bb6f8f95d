import AgentLedger
import AgentModel
import Foundation
import ArgumentParser

extension BenchCommand {
    /// What storing large tool outputs costs in the ledger: the full output as a blob (what agentd does) against
    /// the same output inlined in the `tool.finished` JSON, and against the excerpt alone (no full output).
    struct LedgerBlobBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger-blobs",
            abstract: "Ledger size and append time of tool calls with large outputs: blob vs inline JSON vs excerpt only.")

        @Option(help: "Tool calls recorded in each variant.") var calls = 200
        @Option(help: "Bytes of standard output of each call.") var outputBytes = 1 << 20
        @Option(help: "Distinct outputs among the calls (the rest repeat them, as a rerun test suite would).")
        var distinct = 100

        func run() async throws {
            let outputs = (0..<max(1, distinct)).map { Self.buildLog(bytes: outputBytes, seed: $0) }
            for variant in Variant.allCases {
                let directory = NSTemporaryDirectory() + "agentd-blob-bench-" + UUID().uuidString
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: directory) }
                let path = directory + "/ledger.sqlite"
                let ledger = try Ledger(path: path, sync: .full)
                let run = RunID(rawValue: "run_blobbench")
                let start = ContinuousClock.now
                for call in 0..<calls {
                    try await ledger.append([variant.event(run, seq: Int64(call), stdout: outputs[call % outputs.count])])
                }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                ledger.close()
                let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
                let name = variant.rawValue
                print(
                    "\(name): \(calls) calls of \(outputBytes) bytes (\(distinct) distinct): ledger "
                        + "\(String(format: "%.1f", bytes / 1_048_576)) MiB, \(String(format: "%.0f", Double(calls) / seconds)) calls/s")
                MetricLine.emit("ledger_blobs_\(name)_size", bytes / 1_048_576, "MiB")
                MetricLine.emit("ledger_blobs_\(name)_appends", Double(calls) / seconds, "calls/s")
            }
        }

        enum Variant: String, CaseIterable {
            /// Today: the excerpt in the payload, the full stream in `blobs`.
            case blob
            /// The full stream as a JSON string inside the payload.
            case inline
            /// The excerpt alone, as before `v3-tool-output-blobs` (the full output lost).
            case excerpt

            func event(_ run: RunID, seq: Int64, stdout: [UInt8]) throws -> LedgerEvent {
                let excerpt = String(decoding: stdout.prefix(16 << 10), as: UTF8.self) + "\n[… cut …]\n"
                    + String(decoding: stdout.suffix(16 << 10), as: UTF8.self)
                var payload = ToolFinished(
                    callID: "call_\(seq)", exitCode: 0, durationMillis: 1, output: excerpt, timedOut: false,
                    truncatedBytes: stdout.count - (32 << 10))
                var blobs: [LedgerBlob] = []
                switch self {
                case .blob:
                    var outcome = ToolOutcome(exitCode: 0, output: excerpt, durationMillis: 1, timedOut: false, truncatedBytes: 0)
                    outcome.fullStdout = stdout
                    blobs = payload.attachFullOutput(of: outcome)
                case .inline:
                    payload.output = String(decoding: stdout, as: UTF8.self)
                case .excerpt:
                    break
                }
                var event = LedgerEvent(
                    runID: run, seq: seq, timestampMillis: LedgerEvent.nowMillis(), kind: .tool,
                    type: ToolEventType.finished, payload: try JSONCoding.encode(payload))
                event.blobs = blobs
                return event
            }
        }

        /// A compiler-like log of `bytes` bytes: paths, numbers, quotes and tabs (JSON escapes some of them).
        static func buildLog(bytes: Int, seed: Int) -> [UInt8] {
            var text: [UInt8] = []
            text.reserveCapacity(bytes + 200)
            var line = 0
            while text.count < bytes {
                line += 1
                let entry =
                    "[\(line)/9000] Compiling module_\(seed)/Sources/File\(line % 97).swift\twarning: \"var\" never mutated (\(line * 7 + seed))\n"
                text.append(contentsOf: entry.utf8)
            }
            return Array(text.prefix(bytes))
        }
    }
}
