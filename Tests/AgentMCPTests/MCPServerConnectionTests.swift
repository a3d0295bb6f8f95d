import AgentMCP
import AgentModel
import AgentTools
import Foundation
import Logging
import Testing

/// The AgentMCP tool source against the real `mcp-test-server` child process.
@Suite(.serialized)
struct MCPServerConnectionTests {
    /// The test server, built next to the test bundle (or in `.build/debug`).
    static let serverPath: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../.build/debug"),
        ].map { $0.appendingPathComponent("mcp-test-server").standardized.path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    static func start(backoff: MCPRestartBackoff = MCPRestartBackoff()) async throws -> MCPToolSource {
        let spec = MCPServerSpec(
            name: "t", command: serverPath, env: ["MCP_TEST": "1", "OPENAI_API_KEY": "sk-leak"])
        return try await MCPToolSource.start(
            [spec], environment: ["PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-leak"],
            policy: EnvironmentPolicy(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            startTimeout: .seconds(20),
            backoff: backoff)
    }

    static func context() -> ToolContext {
        var limits = ToolLimits()
        limits.defaultTimeout = .seconds(20)
        return ToolContext(callID: "call_1", cwd: "/tmp", environment: [:], limits: limits)
    }

    static func tool(_ name: String, in source: MCPToolSource) throws -> MCPTool {
        try #require(source.tools.first { $0.name == name })
    }

    @Test func listsTheServersToolsAsNamespacedFunctionTools() async throws {
        let source = try await Self.start()
        defer { Task { await source.shutdown() } }
        let names = source.tools.map(\.name)
        #expect(names == ["t__echo", "t__add", "t__fail", "t__sleep", "t__crash"])
        let echo = try Self.tool("t__echo", in: source)
        let schemaType = echo.definition["parameters"]?["type"]?.stringValue
        #expect(schemaType == "object")
        let idempotent = source.tools.map(\.isIdempotent)
        #expect(idempotent == [true, false, false, false, false])
    }

    @Test func routesCallsAndReportsServerErrors() async throws {
        let source = try await Self.start()
        defer { Task { await source.shutdown() } }
        let add = try await Self.tool("t__add", in: source).run(
            arguments: #"{"a":40,"b":2}"#, context: Self.context())
        #expect(add.output == "42")
        #expect(add.exitCode == 0)
        let echo = try await Self.tool("t__echo", in: source).run(
            arguments: "{}", context: Self.context())
        #expect(echo.output == "hello from mcp")
        let fail = try await Self.tool("t__fail", in: source).run(
            arguments: "{}", context: Self.context())
        #expect(fail.exitCode == 1)
        #expect(fail.output == #"{"error":"this tool always fails"}"#)
        let bad = try await Self.tool("t__echo", in: source).run(
            arguments: "[1]", context: Self.context())
        #expect(bad.output.contains("invalid arguments"))
    }

    @Test func capsALongAnswerWithHeadAndTail() async throws {
        let source = try await Self.start()
        defer { Task { await source.shutdown() } }
        var context = Self.context()
        context.limits.capture = CaptureLimits(headBytes: 10, tailBytes: 10)
        let text =
            String(repeating: "a", count: 10) + String(repeating: "x", count: 1000)
            + String(repeating: "z", count: 10)
        let arguments = try JSONCoding.encode(["text": text])
        let outcome = try await Self.tool("t__echo", in: source).run(
            arguments: arguments, context: context)
        #expect(outcome.output == "aaaaaaaaaa\n[… 1000 bytes cut …]\nzzzzzzzzzz")
        #expect(outcome.truncatedBytes == 1000)
    }

    @Test func aCrashFailsTheCallCleanlyAndTheServerIsRestarted() async throws {
        let source = try await Self.start(
            backoff: MCPRestartBackoff(base: .milliseconds(10), cap: .milliseconds(10)))
        defer { Task { await source.shutdown() } }
        let connection = try #require(source.connections.first)
        let launches = await connection.launches
        let crash = try await Self.tool("t__crash", in: source).run(
            arguments: "{}", context: Self.context())
        #expect(crash.exitCode == nil)
        #expect(crash.timedOut == false)
        #expect(crash.output.contains("MCP server 't' exited"))

        await connection.waitForLaunch(after: launches)
        let echo = try await Self.tool("t__echo", in: source).run(
            arguments: #"{"text":"back"}"#, context: Self.context())
        #expect(echo.output == "back")
        let relaunches = await connection.launches
        #expect(relaunches == launches + 1)
    }

    @Test func aCallThatOutlivesItsTimeoutEndsTimedOutAndTheServerStaysUsable() async throws {
        let source = try await Self.start()
        defer { Task { await source.shutdown() } }
        var context = Self.context()
        context.limits.defaultTimeout = .milliseconds(200)
        let slow = try await Self.tool("t__sleep", in: source).run(
            arguments: #"{"ms":5000}"#, context: context)
        #expect(slow.timedOut)
        #expect(slow.exitCode == nil)
        let echo = try await Self.tool("t__echo", in: source).run(
            arguments: #"{"text":"still here"}"#, context: Self.context())
        #expect(echo.output == "still here")
    }

    @Test func aMissingCommandFailsStartUpNamingTheServer() async throws {
        let spec = MCPServerSpec(name: "gone", command: "/nonexistent/mcp-server")
        let error = await #expect(throws: (any Error).self) {
            _ = try await MCPToolSource.start(
                [spec], environment: [:], policy: EnvironmentPolicy(),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.contains("'gone'"))
    }
}

/// The restart delay doubles from its base and stops at its cap.
struct MCPRestartBackoffTests {
    @Test func doublesUpToTheCap() {
        let backoff = MCPRestartBackoff(base: .milliseconds(100), cap: .seconds(1))
        let delays = (1...6).map { backoff.delay(afterFailures: $0) }
        let expected: [Duration] = [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
            .seconds(1),
        ]
        #expect(delays == expected)
    }
}
