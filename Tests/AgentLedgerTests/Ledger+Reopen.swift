import AgentModel

@testable import AgentLedger

extension Ledger {
    /// Closes this ledger, opens the file at `path` again (as after a restart), and returns what the new ledger
    /// reads of `run` and its `PRAGMA integrity_check` ("ok" when sound).
    func closeAndReopen(_ path: String, reading run: RunID) async throws -> (events: [LedgerEvent], integrity: String) {
        close()
        let reopened = try Ledger(path: path)
        defer { reopened.close() }
        return (try await reopened.allEvents(of: run), try reopened.integrityCheck())
    }
}
