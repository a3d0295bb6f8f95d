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
        Console.out(Self.render(status, nowMillis: Int64(Date().timeIntervalSince1970 * 1000)))
    }

    /// The human view: facts, one line per run waiting to retry, then one row per upstream connection.
    static func render(_ status: DaemonStatus.Result, nowMillis: Int64) -> String {
        let uptime = Double(nowMillis - status.startedAtMillis) / 1000
        var facts = TextTable([("", .left), ("", .left)])
        facts.add(["agentd", "\(status.version) (pid \(status.pid), up \(String(format: "%.0f", uptime)) s)"])
        facts.add(["socket", status.socketPath])
        facts.add(["state", status.stateDir])
        facts.add(["runs", "\(status.runsActive) active"])
        facts.add(["clients", "\(status.clients) connected"])
        if let upstream = status.upstream {
            facts.add([
                "upstream",
                "\(VisibleText.escaped(upstream.url, keepingNewlines: false)) over \(upstream.transport)"
                    + (upstream.transportReason.map { " (\(VisibleText.escaped($0, keepingNewlines: false)))" } ?? ""),
            ])
            let queue = upstream.queue
            facts.add([
                "queue",
                "\(queue.waiting) waiting, \(queue.leasesGranted) leases granted, \(queue.leasesQueued) queued, "
                    + "longest wait \(String(format: "%.0f", queue.maxWaitMillis)) ms",
            ])
            if let sse = upstream.sse {
                facts.add([
                    "sse",
                    "\(sse.leasesInUse) of \(sse.leaseCapacity) leases in use, \(sse.waiting) waiting, "
                        + "\(sse.requests) requests, \(sse.httpErrors) HTTP errors"
                        + (sse.lastError.map { ", last error: " + VisibleText.escaped($0, keepingNewlines: false) } ?? ""),
                ])
            }
            for wait in upstream.retryWaits {
                let why = wait.serverAsked ? "as the server asked (retry-after)" : "backoff"
                facts.add([
                    "retrying",
                    "\(wait.runID): \(wait.code ?? "upstream error"), waiting \(seconds(wait.delayMillis)) \(why), "
                        + "attempt \(wait.attempt)",
                ])
            }
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
        if let connections = status.upstream?.connections, !connections.isEmpty {
            var table = TextTable([
                ("CONNECTION", .right), ("STATE", .left), ("AGE S", .right), ("LANES", .right), ("IN FLIGHT", .right),
                ("SERVED", .right), ("RECONNECTS", .right), ("LAST ERROR", .left),
            ])
            for connection in connections {
                table.add([
                    String(connection.id), state(connection),
                    connection.ageSeconds.map { String(format: "%.0f", $0) } ?? "-",
                    String(connection.lanesInUse), String(connection.responsesInFlight),
                    String(connection.responsesServed), String(connection.reconnects),
                    connection.lastError.map { VisibleText.escaped($0, keepingNewlines: false) } ?? "-",
                ])
            }
            output += "\n" + table.render()
        }
        return output
    }

    /// `connected`, or `backoff (next try in 1.5 s)`.
    private static func state(_ connection: DaemonStatus.Upstream.Connection) -> String {
        guard connection.state == .backoff, let next = connection.nextAttemptMillis else {
            return connection.state.rawValue
        }
        return "backoff (next try in \(seconds(next)))"
    }

    /// `1.5 s`.
    private static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.1f s", Double(milliseconds) / 1000)
    }
}
