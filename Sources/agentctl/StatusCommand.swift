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
        var lines = [
            "agentd    \(status.version) (pid \(status.pid), up \(String(format: "%.0f", uptime)) s)",
            "socket    \(status.socketPath)",
            "state     \(status.stateDir)",
            "runs      \(status.runsActive) active, \(status.clients) clients connected",
            "upstream  " + (status.upstream["transport"]?.stringValue ?? "?")
                + (status.upstream["transport_reason"]?.stringValue.map { " (\($0))" } ?? ""),
        ]
        for connection in status.upstream["connections"]?.arrayValue ?? status.upstream.arrayValue ?? [] {
            guard case .object(let fields) = connection else { continue }
            let shown = fields.keys.sorted().map { key in "\(key)=\(Self.text(fields[key]!))" }
            lines.append("  " + shown.joined(separator: " "))
        }
        Console.out(lines.joined(separator: "\n") + "\n")
    }

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
