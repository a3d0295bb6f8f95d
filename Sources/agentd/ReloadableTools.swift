import AgentModel
import AgentTools

/// The engine's tool executor: forwards each call to the built-in tools under the limits in force when the call
/// starts, so a reload changes limits for the next call without touching one that is running.
struct ReloadableTools: ToolExecutor {
    let live: LiveSettings

    func definitions(for names: [String]) throws -> [JSONValue] {
        try live.tools.definitions(for: names)
    }

    func execute(_ call: ToolInvocation) async -> ToolOutcome {
        await live.tools.execute(call)
    }

    func isIdempotent(_ name: String) -> Bool {
        live.tools.isIdempotent(name)
    }
}
