// swift-tools-version:6.0
import PackageDescription

// Linux only: the daemon is built on Linux interfaces (SO_PEERCRED, cgroup v2, pidfds, prctl, /proc).
let package = Package(
    name: "agentd",
    products: [
        .executable(name: "agentd", targets: ["agentd"]),
        .executable(name: "agentctl", targets: ["agentctl"]),
        .executable(name: "responses-emulator", targets: ["responses-emulator"]),
        .library(name: "AgentClient", targets: ["AgentClient"]),
        .library(name: "ResponsesEmulator", targets: ["ResponsesEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", exact: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", exact: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        // Already in the graph through swift-certificates; used directly for SHA-256 only.
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        // Pure vocabulary: ids, ledger events, upstream event shapes, the run reducer. No I/O.
        .target(name: "AgentModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Control-API wire types shared by daemon, CLI and other clients. No I/O.
        .target(name: "AgentProtocol", dependencies: ["AgentModel"]),
        // The append-only SQLite ledger. SQLite types never leak out.
        .target(
            name: "AgentLedger",
            dependencies: [
                "AgentModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Responses API transports (WebSocket) and the connection pool.
        .target(
            name: "AgentUpstream",
            dependencies: [
                "AgentModel",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Tool runtime: built-in tools run as real child processes under limits.
        .target(name: "AgentTools", dependencies: ["AgentModel", "CAgentSupport"]),
        // MCP servers as tool sources: child processes over stdio, their tools offered as `server__tool`.
        .target(
            name: "AgentMCP",
            dependencies: [
                "AgentModel", "AgentTools", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs, turns, the tool loop. Depends on narrow protocols, never on NIO or the wire protocol.
        .target(
            name: "AgentEngine",
            dependencies: [
                "AgentModel", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Unix-socket JSON-RPC server.
        .target(
            name: "AgentControl",
            dependencies: [
                "AgentModel", "AgentProtocol", "CAgentSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Typed client for the control socket (agentctl and tests).
        .target(
            name: "AgentClient",
            dependencies: [
                "AgentModel", "AgentProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ]
        ),
        // The Agent Client Protocol agent (`agentctl acp`): editors on stdio, translated to the control socket.
        .target(
            name: "AgentACP",
            dependencies: ["AgentModel", "AgentProtocol", "AgentClient"]
        ),
        // The upstream emulator as a library.
        .target(
            name: "ResponsesEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSCompression", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Benchmark code shared by agentd-bench and its tests (ledger fixture and benchmarks, tool spawn timing,
        // percentiles); no production module depends on it.
        .target(name: "AgentBenchKit", dependencies: ["AgentModel", "AgentLedger", "AgentTools"]),
        // Tiny C shims for Linux APIs Glibc does not export to Swift (ucred, prctl).
        .target(name: "CAgentSupport"),
        // The engine's run feed as the control server's attach source (used by agentd and agentd-bench).
        .target(name: "AgentEngineControl", dependencies: ["AgentEngine", "AgentControl", "AgentProtocol"]),
        .executableTarget(
            name: "agentd",
            dependencies: [
                "AgentModel", "AgentProtocol", "AgentLedger", "AgentUpstream", "AgentTools", "AgentEngine",
                "AgentControl", "CAgentSupport", "AgentMCP", "AgentEngineControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // A small MCP server over stdio for the tests and the mcp-roundtrip benchmark.
        .executableTarget(
            name: "mcp-test-server",
            dependencies: ["AgentMCP", .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log")]
        ),
        // agentctl's commands, rendering and output streams, as a library the unit tests drive with captured streams.
        .target(
            name: "AgentCLI",
            dependencies: [
                "AgentModel", "AgentProtocol", "AgentClient", "AgentACP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The thin `agentctl` executable: standard streams in, exit code out.
        .executableTarget(name: "agentctl", dependencies: ["AgentCLI"]),
        .executableTarget(
            name: "responses-emulator",
            dependencies: [
                "ResponsesEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "agentd-bench",
            dependencies: [
                "AgentMCP", "mcp-test-server",
                "AgentModel", "AgentLedger", "AgentEngine", "AgentTools", "AgentUpstream", "ResponsesEmulator",
                "AgentControl", "AgentClient", "AgentProtocol", "AgentEngineControl", "AgentBenchKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AgentModelTests", dependencies: ["AgentModel"]),
        .testTarget(name: "AgentProtocolTests", dependencies: ["AgentProtocol", "AgentModel", "TestSupport"]),
        .testTarget(name: "AgentACPTests", dependencies: ["AgentACP", "AgentProtocol", "AgentModel", "TestSupport"]),
        .testTarget(name: "AgentCLITests", dependencies: ["AgentCLI", "AgentProtocol", "AgentModel"]),
        // Helpers the test targets share (a quiet command runner, a tmpfs to fill, files made immutable).
        .target(name: "TestSupport", dependencies: ["AgentModel"], path: "Tests/TestSupport"),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport", "AgentModel"]),
        .testTarget(
            name: "AgentLedgerTests",
            dependencies: ["AgentLedger", "AgentModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "AgentBenchKitTests", dependencies: ["AgentBenchKit", "AgentModel", "TestSupport"]),
        .testTarget(
            name: "AgentUpstreamTests",
            dependencies: [
                "AgentUpstream", "AgentModel", "ResponsesEmulator", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AgentToolsTests", dependencies: ["AgentTools", "AgentModel"]),
        .testTarget(
            name: "AgentMCPTests",
            dependencies: [
                "AgentMCP", "AgentTools", "AgentModel", "mcp-test-server", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AgentEngineTests",
            dependencies: [
                "AgentEngine", "AgentModel", .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "AgentControlTests",
            dependencies: [
                "AgentControl", "AgentClient", "AgentProtocol", "AgentModel", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ResponsesEmulatorTests",
            dependencies: [
                "ResponsesEmulator",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's own pure pieces (journal log format, config reload diff, socket activation checks).
        .testTarget(
            name: "agentdTests",
            dependencies: ["agentd", "AgentMCP", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "AgentIntegrationTests",
            dependencies: [
                "agentd", "agentctl", "responses-emulator", "mcp-test-server", "AgentModel", "AgentProtocol",
                "TestSupport",
            ]
        ),
    ]
)
