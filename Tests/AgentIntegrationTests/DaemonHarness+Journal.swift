import AgentModel
import Foundation

/// Helpers for `emu-journal-N` runs, whose calls append `step-k …` lines to the work directory's journal.log.
extension DaemonHarness {
    /// The journal's text (empty before the first call).
    func journal() -> String {
        (try? String(contentsOfFile: workDirectory + "/journal.log", encoding: .utf8)) ?? ""
    }

    /// `PRAGMA integrity_check` of the daemon's ledger, as sqlite3 prints it ("ok" when sound).
    func ledgerIntegrity() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [stateDirectory + "/agentd.sqlite", "PRAGMA integrity_check;"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What ``decideUncertainCallsFromJournal(_:limit:)`` came to.
    struct JournalDecisions {
        /// The type of the event that ended the run, or "" when `limit` decisions were made first.
        var ending = ""
        /// The calls denied because their step's line was already in the journal.
        var denied: [String] = []
    }

    /// Follows run `id` and decides each uncertain call as a person would, from the journal (its line present:
    /// deny; absent: approve), at most `limit` of them, until the run completes, fails or is cancelled.
    ///
    /// Throws when an approval is requested for another reason or for a call that is not a journal step, or when
    /// `agentctl approve` fails.
    func decideUncertainCallsFromJournal(_ id: String, limit: Int) async throws -> JournalDecisions {
        var decided: Set<String> = []
        var decisions = JournalDecisions()
        while decided.count < limit {
            let known = decided
            let follower = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": socket])
            let line = try await follower.waitForLine { line in
                guard let event = try? JSONCoding.decode(LedgerEvent.self, from: line) else { return false }
                if event.kind == .run, Self.runEndings.contains(event.type) { return true }
                guard event.type == ControlEventType.approvalRequested,
                    let request = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload)
                else { return false }
                return !known.contains(request.callID)
            }
            follower.signal(SIGTERM)
            _ = try? await follower.waitForExit()
            let event = try JSONCoding.decode(LedgerEvent.self, from: line)
            guard event.type == ControlEventType.approvalRequested else {
                decisions.ending = event.type
                return decisions
            }
            let approval = try JSONCoding.decode(ApprovalRequested.self, from: event.payload)
            decided.insert(approval.callID)
            guard approval.reason == .uncertain, let step = CrashRecoveryTests.step(of: approval.arguments) else {
                throw HarnessError("not an uncertain journal step: \(approval.reason) \(approval.arguments)")
            }
            let alreadyRan = journal().contains("step-\(step) \(step * 7 + 3)")
            if alreadyRan { decisions.denied.append(approval.callID) }
            let decision = try await agentctl(["approve", id, approval.callID] + (alreadyRan ? ["--deny"] : []))
            guard decision.status == 0 else { throw HarnessError("agentctl approve: \(decision.stderr)") }
        }
        return decisions
    }

    /// The run events after which a run takes no further step.
    private static let runEndings: Set<String> = [RunEventType.completed, RunEventType.failed, RunEventType.cancelled]
}
