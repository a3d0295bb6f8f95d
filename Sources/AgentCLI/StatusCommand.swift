import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl status`: the daemon's state; exits 0 only when the daemon answers.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the daemon's state (exit 0 only when it answers).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let session = try await Session.open(global)
        let status = try await session.perform { try await $0.call(DaemonStatus.self, EmptyObject()) }
        if json {
            Console.out(try JSONCoding.encode(status) + "\n")
            return
        }
        let uptime = Double(Int64(Date().timeIntervalSince1970 * 1000) - status.startedAtMillis) / 1000
        var facts = TextTable([("", .left), ("", .left)])
        facts.add(["agentd", "\(status.version) (pid \(status.pid), up \(String(format: "%.0f", uptime)) s)"])
        facts.add(["socket", status.socketPath])
        facts.add(["state", status.stateDir])
        facts.add(["runs", "\(status.runsActive) active"])
        facts.add(["clients", "\(status.clients) connected"])
        facts.add([
            "upstream",
            (status.upstream["transport"]?.stringValue ?? "?")
                + (status.upstream["transport_reason"]?.stringValue.map { " (\($0))" } ?? ""),
        ])
        if let queue = status.upstream["queue"] {
            facts.add([
                "queue",
                "\(Self.text(queue["waiting"] ?? .null)) waiting, \(Self.text(queue["leases_granted"] ?? .null)) leases "
                    + "granted, \(Self.text(queue["leases_queued"] ?? .null)) queued, longest wait "
                    + "\(Self.text(queue["max_wait_ms"] ?? .null)) ms",
            ])
        }
        for wait in status.upstream["retry_waits"]?.arrayValue ?? [] {
            let seconds = String(format: "%.1f", Double(wait["delay_ms"]?.intValue ?? 0) / 1000)
            let why = wait["server_asked"]?.boolValue == true ? "as the server asked (retry-after)" : "backoff"
            facts.add([
                "retrying",
                "\(wait["run_id"]?.stringValue ?? "?"): \(wait["code"]?.stringValue ?? "upstream error"), waiting "
                    + "\(seconds) s \(why), attempt \(Self.text(wait["attempt"] ?? .null))",
            ])
        }
        if let tools = status.tools {
            // Says whether a tool's leftovers die with its call and whether it can see the daemon.
            facts.add([
                "tools",
                "containment \(tools.containment), sandbox \(tools.sandbox)"
                    + (tools.sandboxUnavailable.map { " (\($0))" } ?? "") + ", \(tools.orphansReaped) orphans reaped",
            ])
        }
        var output = facts.render(header: false)
        let connections = status.upstream["connections"]?.arrayValue ?? status.upstream.arrayValue ?? []
        if !connections.isEmpty {
            var table = TextTable(Self.columns.map { ($0.title, $0.alignment) })
            for connection in connections {
                table.add(Self.columns.map { column in connection[column.key].map(Self.text) ?? "-" })
            }
            output += "\n" + table.render()
        }
        Console.out(output)
    }

    /// The connection table: the pool's status fields, in this order (fields added later are left out).
    private static let columns: [(key: String, title: String, alignment: TextTable.Alignment)] = [
        ("id", "CONNECTION", .right), ("state", "STATE", .left), ("age_s", "AGE S", .right),
        ("lanes_in_use", "LANES", .right), ("responses_in_flight", "IN FLIGHT", .right),
        ("responses_served", "SERVED", .right), ("reconnects", "RECONNECTS", .right),
        ("last_error", "LAST ERROR", .left),
    ]

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number == number.rounded() ? String(Int64(number)) : String(format: "%.1f", number)
        case .bool(let flag): String(flag)
        case .null: "-"
        default: (try? JSONCoding.encode(value)) ?? "?"
        }
    }
}
