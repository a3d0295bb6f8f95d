import AgentLedger
import AgentModel
import Foundation

/// Writes a realistic ledger for benchmarks: runs of tool round trips with streamed deltas, as the engine
/// records them (request, created, deltas, completed with a function call, tool started and finished).
public enum LedgerFixture {
    /// What ``write(to:runs:turnsPerRun:deltasPerTurn:unfinishedRuns:)`` wrote.
    public struct Summary: Sendable {
        /// Every run written, oldest first.
        public var runs: [RunID]
        /// The runs left without a terminal event (what recovery must find).
        public var unfinished: [RunID]
        /// Events written in total.
        public var events: Int
    }

    /// Writes `runs` runs into the ledger at `path` (created; its directory must exist).
    ///
    /// Each run: `run.started`, then `turnsPerRun` turns of `response.create`, `response.created`,
    /// `deltasPerTurn` text deltas, `response.completed` (one function call), `tool.started`, `tool.finished`;
    /// then `run.completed`, except for the last `unfinishedRuns` runs, which stop after their last tool.
    public static func write(
        to path: String, runs: Int, turnsPerRun: Int, deltasPerTurn: Int, unfinishedRuns: Int
    ) async throws -> Summary {
        let ledger = try Ledger(path: path, sync: .normal)
        defer { ledger.close() }
        var summary = Summary(runs: [], unfinished: [], events: 0)
        let base = Date(timeIntervalSince1970: 1_750_000_000)
        for index in 0..<runs {
            let id = RunID.generate(now: base.addingTimeInterval(Double(index)))
            let finished = index < runs - unfinishedRuns
            let events = runEvents(id, turns: turnsPerRun, deltas: deltasPerTurn, finished: finished)
            try await ledger.append(events)
            summary.runs.append(id)
            if !finished { summary.unfinished.append(id) }
            summary.events += events.count
        }
        return summary
    }

    /// One run's events.
    static func runEvents(_ id: RunID, turns: Int, deltas: Int, finished: Bool) -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        events.reserveCapacity(2 + turns * (deltas + 5))
        let now = LedgerEvent.nowMillis()
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(
                LedgerEvent(
                    runID: id, seq: Int64(events.count), timestampMillis: now, kind: kind, type: type, payload: payload))
        }
        let started = RunStarted(
            model: "gpt-bench", prompt: "append a line to notes.txt, \(turns) times", instructions: nil, cwd: "/work",
            tools: ["shell"], client: "agentd-bench")
        add(.run, RunEventType.started, (try? JSONCoding.encode(started)) ?? "{}")
        var previous: String?
        for turn in 0..<turns {
            let input =
                turn == 0
                ? #"[{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}]"#
                : #"[{"type":"function_call_output","call_id":"call_\#(turn - 1)","output":"ok \#(turn - 1)\n"}]"#
            let parent = previous.map { #","previous_response_id":"\#($0)""# } ?? ""
            add(
                .upstreamOut, UpstreamEventType.create,
                #"{"type":"response.create","model":"gpt-bench","store":false,"input":\#(input)\#(parent)}"#)
            let response = "resp_\(id.rawValue.suffix(8))_\(turn)"
            add(
                .upstreamIn, UpstreamEventType.created,
                #"{"type":"response.created","sequence_number":0,"response":{"id":"\#(response)","status":"in_progress","output":[]}}"#
            )
            for sequence in 0..<deltas {
                add(.upstreamIn, "response.output_text.delta", LedgerBenchmark.deltaPayload(sequence: Int64(sequence)))
            }
            let call = #"{"type":"function_call","id":"fc_\#(turn)","call_id":"call_\#(turn)","name":"shell","#
                + #""arguments":"{\"command\":\"echo \#(turn) >> notes.txt\"}","status":"completed"}"#
            add(
                .upstreamIn, UpstreamEventType.completed,
                #"{"type":"response.completed","sequence_number":\#(deltas + 1),"response":{"id":"\#(response)","#
                    + #""status":"completed","output":[\#(call)],"usage":{"input_tokens":120,"output_tokens":40}}}"#)
            add(
                .tool, ToolEventType.started,
                #"{"call_id":"call_\#(turn)","name":"shell","arguments":"{\"command\":\"echo\"}","cwd":"/work"}"#)
            add(
                .tool, ToolEventType.finished,
                #"{"call_id":"call_\#(turn)","exit_code":0,"duration_ms":2.5,"output":"ok \#(turn)\n","timed_out":false,"truncated_bytes":0}"#
            )
            previous = response
        }
        if finished { add(.run, RunEventType.completed, "{}") }
        return events
    }
}
