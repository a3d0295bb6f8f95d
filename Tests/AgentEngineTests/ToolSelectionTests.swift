import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Which tools a run gets: the default set or the run's list, plus `--tool`, minus `--no-tool`.
struct ToolSelectionTests {
    @Test func addedToolsFollowTheBaseAndRemovedOnesWin() {
        let tools = ToolSelection.resolve(
            base: ["shell", "read_file"], adding: ["search", "shell", "write_file"], removing: ["read_file", "write_file"])
        #expect(tools == ["shell", "search"])
    }

    @Test func noChangesKeepTheBase() {
        #expect(ToolSelection.resolve(base: ["shell"], adding: [], removing: []) == ["shell"])
    }

    @Test func aRunStartedWithoutTheDefaultToolHasNone() async throws {
        let manager = makeManager()
        var request = StartRunRequest(prompt: "go", cwd: "/")
        request.removeTools = ["shell"]
        let state = try await manager.start(request)
        #expect(state.tools == [])
    }

    @Test func anUnknownToolToAddOrRemoveIsRefused() async throws {
        let manager = makeManager()
        for (adding, removing) in [(["nope"], [String]()), ([], ["nope"])] {
            var request = StartRunRequest(prompt: "go", cwd: "/")
            request.addTools = adding
            request.removeTools = removing
            await #expect(throws: EngineError.self) { try await manager.start(request) }
        }
    }

    @Test func aNativeRunOffersShellAndApplyPatchAsTheBuiltInTypesAndTheRestAsFunctions() {
        let definitions: [JSONValue] = [
            ["type": "function", "name": "shell"], ["type": "function", "name": "read_file"],
            ["type": "function", "name": "apply_patch"],
        ]
        #expect(ToolSelection.offered(definitions, format: .function) == definitions)
        #expect(
            ToolSelection.offered(definitions, format: .native) == [
                ["type": "shell", "environment": ["type": "local"]], ["type": "function", "name": "read_file"],
                ["type": "apply_patch"],
            ])
    }

    @Test func autoIsNativeExactlyForTheConfiguredModelPrefixes() {
        let prefixes = ["gpt-5", "o9"]
        #expect(ToolFormatChoice.auto.resolve(model: "gpt-5.2-codex", nativeModels: prefixes) == .native)
        #expect(ToolFormatChoice.auto.resolve(model: "o9-mini", nativeModels: prefixes) == .native)
        #expect(ToolFormatChoice.auto.resolve(model: "gpt-4.1", nativeModels: prefixes) == .function)
        #expect(ToolFormatChoice.auto.resolve(model: "gpt-5", nativeModels: []) == .function)
        #expect(ToolFormatChoice.native.resolve(model: "gpt-4.1", nativeModels: prefixes) == .native)
        #expect(ToolFormatChoice.function.resolve(model: "gpt-5", nativeModels: prefixes) == .function)
    }

    @Test func aRunRecordsItsResolvedToolFormatAndItsOwnChoiceWins() async throws {
        var configuration = EngineConfiguration(defaultModel: "gpt-5.2")
        configuration.toolFormat = .auto
        let manager = makeManager(configuration)
        #expect(try await manager.start(StartRunRequest(prompt: "go", cwd: "/")).toolFormat == .native)
        #expect(try await manager.start(StartRunRequest(prompt: "go", model: "m", cwd: "/")).toolFormat == .function)
        var request = StartRunRequest(prompt: "go", cwd: "/")
        request.toolFormat = .function
        let chosen = try await manager.start(request)
        #expect(chosen.toolFormat == .function)
        // Replayed from the ledger (a resume, a restart): the recorded format, whatever the configuration says.
        #expect(try await manager.replay(chosen.id).toolFormat == .function)
    }

    func makeManager(_ configuration: EngineConfiguration = EngineConfiguration(defaultModel: "m")) -> RunManager {
        RunManager(
            store: InMemoryEventStore(observer: { _ in }), upstream: ScriptedUpstream(toolTurns: 0),
            tools: RecordingTools(), hub: EventHub(), configuration: configuration,
            logger: Logger(label: "test"))
    }
}
