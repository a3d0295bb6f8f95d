import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl stats`: the daemon's measurements as a readable summary, or as the raw Prometheus text.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show the daemon's metrics: latency percentiles, events/s, clients.",
        discussion: """
            Percentiles are estimated by the daemon from its histogram buckets (interpolated as Prometheus' \
            histogram_quantile does). With --prometheus the output is the daemon's Prometheus text, unchanged.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the metrics in the Prometheus text exposition format (for node_exporter's textfile, etc.).")
    var prometheus = false

    @Option(help: "Seconds between two samples for the events/s rate (0: the average since the daemon started).")
    var interval: Double = 1

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    func run() async throws {
        guard interval >= 0, interval <= 60 else { throw ValidationError("--interval must be between 0 and 60") }
        let session = try await Session.open(global)
        if prometheus {
            // The daemon's text, verbatim: for scrapers and `promtool`, never read back here.
            Console.out(try await session.perform { try await $0.call(DaemonMetrics.self, EmptyObject()) }.text)
            return
        }
        var earlier: DaemonStats.Result?
        var latest = try await session.perform { try await $0.call(DaemonStats.self, EmptyObject()) }
        if interval > 0 {
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            earlier = latest
            latest = try await session.perform { try await $0.call(DaemonStats.self, EmptyObject()) }
        }
        let summary = MetricsSummary(latest, earlier: earlier)
        if json {
            Console.out(try JSONCoding.encode(summary) + "\n")
        } else {
            Console.out(Self.render(summary))
        }
    }

    /// The human summary: a latency table, then one line per counter.
    static func render(_ summary: MetricsSummary) -> String {
        var table = TextTable([("latency", .left), ("count", .right), ("p50", .right), ("p95", .right), ("p99", .right)])
        for row in summary.latencies {
            table.add([row.name, String(row.count), seconds(row.p50), seconds(row.p95), seconds(row.p99)])
        }
        let window =
            summary.eventsCommitted == 0 ? "" : String(format: ", %.1f/s ", summary.eventsPerSecond)
            + (summary.rateWindowSeconds > 0 ? String(format: "over %.1f s", summary.rateWindowSeconds) : "")
        var facts = TextTable([("", .left), ("", .left)])
        facts.add(["events", "\(summary.eventsCommitted) committed\(window)"])
        facts.add(["ledger", bytes(summary.ledgerBytes) + " on disk"])
        facts.add(["upstream", "\(summary.upstreamReconnects) reconnects, \(summary.turnRetries) turns retried"])
        facts.add(["clients", "\(summary.connectedClients) connected, \(summary.attachedClients) attached to runs"])
        facts.add(["approvals", "\(summary.approvalsWaiting) waiting"])
        facts.add(["runs", "\(summary.runsActive) active"])
        return table.render() + "(percentiles interpolated within histogram buckets)\n\n" + facts.render(header: false)
    }

    /// `412 µs`, `3.2 ms`, `1.25 s`, or `-` when nothing was measured.
    static func seconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        switch value {
        case ..<0.001: return String(format: "%.0f us", value * 1_000_000)
        case ..<1: return String(format: "%.1f ms", value * 1000)
        default: return String(format: "%.2f s", value)
        }
    }

    static func bytes(_ count: Int64) -> String {
        let value = Double(count)
        switch value {
        case ..<1024: return "\(count) B"
        case ..<(1024 * 1024): return String(format: "%.1f KiB", value / 1024)
        default: return String(format: "%.1f MiB", value / 1024 / 1024)
        }
    }
}
