import AgentModel
import Foundation

extension ControlSocket {
    /// Starts one run of `model` per prompt, attaches to each and reads until every one has ended (reattaching from
    /// the cursor when cut off as a slow consumer), then asks for each run's final state.
    ///
    /// - Returns: per run, in start order: its id, its events in order, and its `RunInfo` once ended.
    func startAndFollow(model: String, prompts: [String], cwd: String) throws -> [FollowedRun] {
        var ids: [String] = []
        for prompt in prompts {
            let id = try startRun(model: model, prompt: prompt, cwd: cwd)
            _ = try call("run/attach", ["run_id": .string(id)])
            ids.append(id)
        }
        // Only the ends are parsed while reading, so this client keeps up with a hundred runs at once.
        var eventLines: [String] = []
        var open = Set(ids)
        while !open.isEmpty {
            guard let line = try readLine() else { throw HarnessError("agentd closed the connection mid-run") }
            guard line.contains("\"method\":\"run/attach_ended\"") else {
                eventLines.append(line)
                continue
            }
            let end = try JSONValue.parse(line)["params"]
            let run = end?["run_id"]?.stringValue ?? ""
            switch end?["reason"]?.stringValue {
            case "run_ended":
                open.remove(run)
            case "slow_consumer":
                _ = try call("run/attach", ["run_id": .string(run), "from_seq": end?["next_seq"] ?? 0])
            default:
                throw HarnessError("subscription ended unexpectedly: \(line)")
            }
        }
        var events: [String: [LedgerEvent]] = [:]
        for line in eventLines {
            guard let event = Self.ledgerEvent(try JSONValue.parse(line)["params"]?["event"]) else {
                throw HarnessError("a run/event without a well-formed event: \(line)")
            }
            events[event.runID.rawValue, default: []].append(event)
        }
        return try ids.map { id in
            let info = try call("run/get", ["run_id": .string(id)])["run"] ?? .null
            return FollowedRun(id: id, events: events[id] ?? [], info: info)
        }
    }
}

/// A run followed to its end by ``ControlSocket/startAndFollow(model:prompts:cwd:)``.
struct FollowedRun {
    var id: String
    var events: [LedgerEvent]
    var info: JSONValue
}
