import Foundation

extension DaemonHarness {
    /// How the running agentd established its ledger's integrity at start-up: the `integrity_check` value of its
    /// "ledger opened" log line (`skipped_after_process_exit`, `quick_check_no_marker`, …), nil without that line.
    func ledgerOpenCheck() -> String? {
        guard let line = daemon.stderr.first(where: { $0.contains("ledger opened") }),
            let range = line.range(of: "integrity_check=")
        else { return nil }
        return String(line[range.upperBound...].prefix { !$0.isWhitespace })
    }
}
