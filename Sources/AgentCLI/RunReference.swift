import AgentClient
import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// How a run is named on the command line: its full id, a unique prefix of it (`1a251c06` or `run_1a25`, as git
/// takes commit prefixes), or `@last` for the newest run.
enum RunReference {
    static let newest = "@last"

    /// The run `text` names; a usage error (exit 64) when it names none or several.
    static func resolve(_ text: String, _ session: Session) async throws -> RunID {
        if text == newest {
            let runs = try await session.perform { try await $0.call(RunList.self, RunList.Params(limit: 1)).runs }
            guard let run = runs.first else { throw ValidationError("there is no run yet, so no @last") }
            return run.id
        }
        // A whole id is taken as it is; a well-formed id agentd does not know may still be a prefix (`run_1a25`).
        if RunID.isWellFormed(text),
            (try? await session.client.call(RunGet.self, RunGet.Params(runID: RunID(rawValue: text)))) != nil
        {
            return RunID(rawValue: text)
        }
        try checkShape(text)
        let prefix = text.hasPrefix("run_") ? text : "run_" + text
        let matches = try await runIDs(session) { $0.rawValue.hasPrefix(prefix) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw ValidationError("no run id starts with '\(prefix)'")
        default:
            throw ValidationError(
                "'\(text)' is ambiguous: \(matches.prefix(5).map(\.rawValue).joined(separator: ", "))"
                    + (matches.count > 5 ? ", …" : ""))
        }
    }

    /// Refuses (before anything is sent) text that cannot name a run: at least 4 characters of an id.
    static func checkShape(_ text: String) throws {
        if text == newest || RunID.isWellFormed(text) { return }
        let prefix = text.hasPrefix("run_") ? text : "run_" + text
        guard text.count >= 4, prefix.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }) else {
            throw ValidationError("'\(VisibleText.escaped(text))' is not a run id (run_…), a prefix of one (4 characters or more), or @last")
        }
    }

    /// The ids of the runs agentd knows that satisfy `matching`, newest first (at most the newest 10,000 runs).
    private static func runIDs(_ session: Session, matching: (RunID) -> Bool) async throws -> [RunID] {
        var found: [RunID] = []
        var cursor: String?
        for _ in 0..<10 {
            let page = try await session.perform {
                try await $0.call(RunList.self, RunList.Params(limit: 1000, cursor: cursor))
            }
            found += page.runs.map(\.id).filter(matching)
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        return found
    }

    /// Shell completion of a run argument: the ids of the newest runs of the daemon the command line names (or
    /// the default one), and `@last`. Nothing when agentd cannot be reached.
    @Sendable static func complete(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        var socket = ProcessInfo.processInfo.environment["AGENTD_SOCKET"]
            ?? DefaultLocations.socketPath(environment: ProcessInfo.processInfo.environment, uid: getuid())
        if let at = arguments.firstIndex(of: "--socket"), at + 1 < arguments.count { socket = arguments[at + 1] }
        guard let client = try? await ControlClient.connect(socketPath: socket) else { return [newest] }
        _ = try? await client.initialize(clientName: "agentctl-completion", version: AgentVersion.current)
        let runs = (try? await client.call(RunList.self, RunList.Params(limit: 100)).runs) ?? []
        await client.close()
        return ([newest] + runs.map(\.id.rawValue)).filter { $0.hasPrefix(prefix) }
    }
}
