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

    func makeManager() -> RunManager {
        RunManager(
            store: InMemoryEventStore(observer: { _ in }), upstream: ScriptedUpstream(toolTurns: 0),
            tools: RecordingTools(), hub: EventHub(), configuration: EngineConfiguration(defaultModel: "m"),
            logger: Logger(label: "test"))
    }
}
