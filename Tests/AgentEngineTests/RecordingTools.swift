import AgentModel
import Synchronization

/// A ``ToolExecutor`` that answers `shell` calls with the command itself and records every call.
final class RecordingTools: ToolExecutor {
    let calls = Mutex<[ToolInvocation]>([])
    /// When true, every call blocks until its task is cancelled (like `sleep 3600` killed by a cancel).
    let blocking: Bool

    /// Tools that ``isIdempotent(_:)`` reports as safe to run twice.
    let idempotent: Set<String>

    init(blocking: Bool = false, idempotent: Set<String> = []) {
        self.blocking = blocking
        self.idempotent = idempotent
    }

    func isIdempotent(_ name: String) -> Bool { idempotent.contains(name) }

    func definitions(for names: [String]) throws -> [JSONValue] {
        try names.map { name in
            guard name == "shell" else { throw ToolFailure(message: "unknown tool '\(name)'") }
            return ["type": "function", "name": "shell", "parameters": ["type": "object"]]
        }
    }

    func execute(_ call: ToolInvocation) async -> ToolOutcome {
        calls.withLock { $0.append(call) }
        if blocking {
            try? await Task.sleep(for: .seconds(3600))
            return ToolOutcome(exitCode: nil, output: "killed", durationMillis: 1, timedOut: false, truncatedBytes: 0)
        }
        return ToolOutcome(
            exitCode: 0, output: "ran \(call.arguments)", durationMillis: 1, timedOut: false, truncatedBytes: 0)
    }
}
