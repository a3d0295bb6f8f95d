import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Testing

@Suite("Handshake, routing and framing over a real socket")
struct HandshakeAndFramingTests {
    @Test func requestsBeforeInitializeAreRefused() async throws {
        try await TestServer.with { server in
            let raw = try RawSocket(path: server.socketPath)
            try raw.send(#"{"jsonrpc":"2.0","id":1,"method":"run/list","params":{}}"#)
            let reply = try await raw.readJSON()
            #expect(reply?["id"] == 1)
            #expect(reply?["error"]?["code"] == .number(-32001))
            #expect(reply?["error"]?["message"]?.stringValue?.contains("initialize") == true)
            try raw.send(
                #"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocol_version":"1.0","client":{"name":"raw","version":"1"}}}"#
            )
            let initialized = try await raw.readJSON()
            #expect(initialized?["result"]?["daemon"]?["name"] == "agentd")
            #expect(initialized?["result"]?["protocol_version"] == "1.0")
            try raw.send(
                #"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocol_version":"1.0","client":{"name":"raw","version":"1"}}}"#
            )
            #expect(try await raw.readJSON()?["error"]?["code"] == .number(-32001))
        }
    }

    @Test func anotherMajorVersionIsRefused() async throws {
        try await TestServer.with { server in
            let client = try await ControlClient.connect(socketPath: server.socketPath)
            await #expect {
                _ = try await client.call(
                    Initialize.self, .init(protocolVersion: "2.0", client: .init(name: "future", version: "9")))
            } throws: { error in
                (error as? ControlError)?.code == .unsupportedProtocolVersion
            }
            await client.close()
        }
    }

    @Test func unknownMethodIsMethodNotFound() async throws {
        try await TestServer.with { server in
            let raw = try await server.rawClient()
            try raw.send(#"{"jsonrpc":"2.0","id":"x","method":"run/explode","params":{}}"#)
            let reply = try await raw.readJSON()
            #expect(reply?["id"] == "x")
            #expect(reply?["error"]?["code"] == .number(-32601))
        }
    }

    @Test func malformedJSONIsAnsweredAndTheConnectionStaysUsable() async throws {
        try await TestServer.with { server in
            let raw = try await server.rawClient()
            try raw.send(#"{"jsonrpc":"2.0","id":5,"method":"#)
            let parseError = try await raw.readJSON()
            #expect(parseError?["id"] == .null)
            #expect(parseError?["error"]?["code"] == .number(-32700))
            try raw.send(#"{"jsonrpc":"2.0","id":6,"method":"daemon/status","params":{}}"#)
            let status = try await raw.readJSON()
            #expect(status?["id"] == 6)
            #expect(status?["result"]?["socket_path"]?.stringValue == server.socketPath)
        }
    }

    @Test func wrongParamTypeNamesTheField() async throws {
        try await TestServer.with { server in
            let raw = try await server.rawClient()
            try raw.send(#"{"jsonrpc":"2.0","id":7,"method":"run/get","params":{"run_id":42}}"#)
            let reply = try await raw.readJSON()
            #expect(reply?["error"]?["code"] == .number(-32602))
            #expect(reply?["error"]?["data"]?["field"] == "run_id")
            #expect(reply?["error"]?["message"]?.stringValue?.contains("run_id") == true)
        }
    }

    @Test func oversizedLineGetsOneErrorAndTheConnectionCloses() async throws {
        var configuration = ControlConfiguration()
        configuration.maxLineBytes = 1024
        try await TestServer.with(configuration: configuration) { server in
            let raw = try await server.rawClient()
            let huge =
                #"{"jsonrpc":"2.0","id":8,"method":"run/start","params":{"prompt":""#
                + String(repeating: "a", count: 8192) + #""}}"#
            try? raw.send(huge)
            let reply = try await raw.readJSON()
            #expect(reply?["error"]?["code"] == .number(-32005))
            #expect(try await raw.readLine() == nil)
        }
    }

    @Test func requestsBeyondTheInFlightLimitAreOverloaded() async throws {
        var configuration = ControlConfiguration()
        configuration.maxInFlightRequests = 1
        try await TestServer.with(configuration: configuration) { server in
            server.backend.startGate.close()
            let raw = try await server.rawClient()
            // Both lines in one write: the first holds the only slot (blocked in the backend) when the second is read.
            try raw.send(
                #"{"jsonrpc":"2.0","id":1,"method":"run/start","params":{"prompt":"a"}}"# + "\n"
                    + #"{"jsonrpc":"2.0","id":2,"method":"run/start","params":{"prompt":"b"}}"#)
            let refused = try await raw.readJSON()
            #expect(refused?["id"] == 2)
            #expect(refused?["error"]?["code"] == .number(-32004))
            server.backend.startGate.open()
            let started = try await raw.readJSON()
            #expect(started?["id"] == 1)
            #expect(started?["result"]?["run"]?["prompt"] == "a")
        }
    }

    @Test func typedClientCallsRunConcurrently() async throws {
        try await TestServer.with { server in
            for index in 0..<5 { server.backend.addRun(RunID(rawValue: "run_\(index)")) }
            let client = try await server.client()
            try await withThrowingTaskGroup(of: RunInfo.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        try await client.call(RunGet.self, .init(runID: RunID(rawValue: "run_\(index)"))).run
                    }
                }
                var ids: Set<String> = []
                for try await run in group { ids.insert(run.id.rawValue) }
                #expect(ids == Set((0..<5).map { "run_\($0)" }))
            }
            await #expect {
                _ = try await client.call(RunGet.self, .init(runID: RunID(rawValue: "run_missing")))
            } throws: { error in
                (error as? ControlError)?.code == .runNotFound
            }
            await client.close()
        }
    }

    @Test func listPagesWithACursorAndStatusReportsTheDaemon() async throws {
        try await TestServer.with { server in
            for index in 0..<5 { server.backend.addRun(RunID(rawValue: "run_\(index)")) }
            let client = try await server.client()
            let first = try await client.call(RunList.self, .init(limit: 3))
            #expect(first.runs.map(\.id.rawValue) == ["run_4", "run_3", "run_2"])
            #expect(first.nextCursor == "run_2")
            let second = try await client.call(RunList.self, .init(limit: 3, cursor: first.nextCursor))
            #expect(second.runs.map(\.id.rawValue) == ["run_1", "run_0"])
            #expect(second.nextCursor == nil)
            let status = try await client.call(DaemonStatus.self, EmptyObject())
            #expect(status.socketPath == server.socketPath)
            #expect(status.stateDir == "/state")
            #expect(status.clients == 1)
            #expect(status.runsActive == 5)
            #expect(status.upstream == FakeBackend.upstream)
            await client.close()
        }
    }
}
