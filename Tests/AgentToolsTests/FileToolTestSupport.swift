import AgentModel
import Foundation
import Glibc

@testable import AgentTools

/// A temporary workspace with real files; call ``remove()`` when done.
struct Sandbox {
    /// The workspace directory, symlinks resolved.
    let root: String

    init() throws { root = try makeTemporaryDirectory() }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// The absolute path of `relative`.
    func path(_ relative: String) -> String { root + "/" + relative }

    /// Writes `text` to `relative`, creating parent directories.
    func write(_ relative: String, _ text: String) throws {
        try write(relative, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to `relative`, creating parent directories.
    func write(_ relative: String, bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// The text of `relative`, or `nil` when it does not exist.
    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every path under the workspace, relative and sorted (directories included).
    func tree() -> [String] {
        (FileManager.default.subpaths(atPath: root) ?? []).sorted()
    }

    /// Runs the built-in `tool` with `arguments` (a JSON object, or raw text) in the workspace.
    func call(
        _ tool: String, _ arguments: JSONValue, limits: ToolLimits = fastLimits, cwd: String? = nil
    ) async -> ToolOutcome {
        let text = (try? JSONCoding.encode(arguments)) ?? "{}"
        return await call(tool, raw: text, limits: limits, cwd: cwd)
    }

    /// Runs the built-in `tool` with raw argument text in the workspace.
    func call(_ tool: String, raw: String, limits: ToolLimits = fastLimits, cwd: String? = nil) async -> ToolOutcome {
        let tools = BuiltinTools(limits: limits, baseEnvironment: [:])
        let outcome = await tools.execute(ToolInvocation(callID: "c", name: tool, arguments: raw, cwd: cwd ?? root))
        return normalized(outcome)
    }
}

/// The normalized outcome of a successful file tool call.
func succeeded(_ text: String, truncatedBytes: Int = 0) -> ToolOutcome {
    ToolOutcome(exitCode: 0, output: text, durationMillis: 0, timedOut: false, truncatedBytes: truncatedBytes)
}

/// The normalized outcome of a failed call: `{"error": message}`.
func failed(_ message: String) -> ToolOutcome {
    let text = (try? JSONCoding.encode(["error": message])) ?? ""
    return ToolOutcome(exitCode: nil, output: text, durationMillis: 0, timedOut: false, truncatedBytes: 0)
}
