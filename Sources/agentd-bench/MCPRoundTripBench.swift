import AgentBenchKit
import AgentMCP
import AgentModel
import AgentTools
import ArgumentParser
import Foundation
import Logging

extension BenchCommand {
    /// The cost of one MCP tool call through agentd's tool runtime: the `echo` tool of the `mcp-test-server`
    /// child process, called through ``MCPTool`` exactly as the engine calls it (arguments parsed, request
    /// written to the server's stdin, the reply read from its stdout, output capped).
    struct MCPRoundTripBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp-roundtrip",
            abstract: "Round trip of an MCP tool call (the test server's echo) through the AgentMCP tool."
        )

        @Option(help: "Calls to time (after 20 warm-up calls).") var calls = 1000
        @Option(help: "The MCP test server (default: mcp-test-server next to this executable).")
        var server: String?

        func run() async throws {
            let path =
                server
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("mcp-test-server").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw ValidationError(
                    "no MCP test server at \(path): build it (--product mcp-test-server) or pass --server")
            }
            // The server's own transport is part of every round trip: the SDK's StdioTransport polls its input
            // with 10 ms sleeps, so the agentd side is measured against a server using the blocking pipe transport.
            for (label, args) in [("", ["--pipe-transport"]), ("_sdk_stdio_server", [])] {
                let result = try await measure(server: path, args: args)
                print(
                    "mcp-roundtrip echo\(label.isEmpty ? "" : " (server on the SDK's StdioTransport)"): \(result)"
                )
                MetricLine.emit("mcp_roundtrip\(label)_p50", result.p50, "ms")
                MetricLine.emit("mcp_roundtrip\(label)_p99", result.p99, "ms")
            }
        }

        private func measure(server path: String, args: [String]) async throws -> Percentiles {
            let source = try await MCPToolSource.start(
                [MCPServerSpec(name: "bench", command: path, args: args)],
                environment: ProcessInfo.processInfo.environment, policy: EnvironmentPolicy(),
                logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            guard let echo = source.tools.first(where: { $0.name == "bench__echo" }) else {
                await source.shutdown()
                throw ValidationError("the MCP test server offers no echo tool")
            }
            let context = ToolContext(
                callID: "call_bench", cwd: "/tmp", environment: [:], limits: ToolLimits())
            let arguments = #"{"text":"ping"}"#
            var durations: [Duration] = []
            durations.reserveCapacity(calls)
            let clock = ContinuousClock()
            for index in 0..<(calls + 20) {
                let started = clock.now
                let outcome = await echo.run(arguments: arguments, context: context)
                let elapsed = clock.now - started
                guard outcome.output == "ping" else {
                    await source.shutdown()
                    throw ValidationError("call \(index) answered \(outcome.output)")
                }
                if index >= 20 { durations.append(elapsed) }
            }
            await source.shutdown()
            return Percentiles(durations)
        }
    }
}
