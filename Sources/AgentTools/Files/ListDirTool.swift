import AgentModel
import Foundation
import Glibc

/// The built-in `list_dir` tool: the entries of a directory in the workspace, one per line, sorted by name.
///
/// Directories end in `/`, files show their size (`notes.txt (120 bytes)`), symlinks their target
/// (`latest -> build/7`), other kinds their kind (`queue (fifo)`). After ``FileToolLimits/listEntries`` entries a line
/// `[… N more entries …]` ends the list; an empty directory is `[empty directory]`.
public struct ListDirTool: Tool {
    /// The entry cap the definition advertises; keep it equal to ``FileToolLimits/listEntries``.
    public let maxEntries: Int

    /// Creates the tool; `limits` only sets the cap the definition advertises.
    public init(limits: ToolLimits = ToolLimits()) {
        maxEntries = limits.files.listEntries
    }

    public var name: String { "list_dir" }
    public var isIdempotent: Bool { true }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "list_dir",
            "description": .string(
                "List a directory in the workspace: one entry per line sorted by name, directories ending in '/', "
                    + "files with their size in bytes, symlinks with their target; at most \(maxEntries) entries."),
            "parameters": [
                "type": "object",
                "properties": [
                    "path": [
                        "type": "string",
                        "description": .string(
                            "The directory, relative to the run's working directory (use '.' for it) or "
                                + "absolute."),
                    ]
                ],
                "required": ["path"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        await FileToolRun.outcome(timeout: context.limits.defaultTimeout) { _ in
            let arguments = try ToolArguments(parsing: arguments, allowed: ["path"])
            let path = try arguments.path()
            let workspace = try Workspace(context: context)
            let resolved = try workspace.resolve(path)
            return try Self.list(
                resolved, shown: path, maxEntries: context.limits.files.listEntries, paths: workspace.paths)
        }
    }

    /// The listing of the directory at `path`, at most `maxEntries` entries.
    static func list(_ path: String, shown: String, maxEntries: Int, paths: ConfinedPaths) throws -> FileToolResult {
        guard let info = FileIO.kind(of: path) else { throw FileToolError("'\(shown)' does not exist") }
        guard info.kind == .directory else { throw FileToolError("'\(shown)' is not a directory") }
        let names = try FileIO.directoryNames(path, shown: shown, paths: paths).sorted()
        guard !names.isEmpty else { return FileToolResult(text: "[empty directory]") }
        // Only the shown entries are looked at, so a huge directory costs one readdir and a sort.
        var lines = names.prefix(maxEntries).map { name in entry(name, in: path) }
        if names.count > maxEntries {
            lines.append("[… \(names.count - maxEntries) more entries …]")
        }
        return FileToolResult(text: lines.joined(separator: "\n"))
    }

    private static func entry(_ name: String, in directory: String) -> String {
        let path = directory == "/" ? "/" + name : directory + "/" + name
        guard let info = FileIO.kind(of: path) else { return name }
        switch info.kind {
        case .directory: return name + "/"
        case .regular: return "\(name) (\(info.size) bytes)"
        case .symlink:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            return "\(name) -> \(target)"
        case .other(let kind): return "\(name) (\(kind))"
        }
    }
}
