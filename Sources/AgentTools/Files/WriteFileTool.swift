import AgentModel
import Glibc

/// The built-in `write_file` tool: creates or replaces a file in the workspace with the given text.
///
/// Missing parent directories are created. The text goes to a hidden temp file in the same directory, is synced and
/// renamed over the target, so readers see the old or the new content and a failed write leaves no temp file. A
/// replaced file keeps its permissions. The output is `wrote N bytes to path` plus ` (new file)` when it was created.
public struct WriteFileTool: Tool {
    /// Creates the tool.
    public init() {}

    public var name: String { "write_file" }
    public var isIdempotent: Bool { false }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "write_file",
            "description": .string(
                "Create or overwrite a file in the workspace with the given content, creating missing parent "
                    + "directories. For small changes to an existing file prefer apply_patch."),
            "parameters": [
                "type": "object",
                "properties": [
                    "path": [
                        "type": "string",
                        "description": "The file, relative to the run's working directory or absolute.",
                    ],
                    "content": [
                        "type": "string",
                        "description": "The complete new content of the file.",
                    ],
                ],
                "required": ["path", "content"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        await FileToolRun.outcome(timeout: context.limits.defaultTimeout) { _ in
            let arguments = try ToolArguments(parsing: arguments, allowed: ["path", "content"])
            let path = try arguments.path()
            let content = try arguments.string("content")
            let workspace = try Workspace(context: context)
            let resolved = try workspace.resolve(path)
            return try Self.write(Array(content.utf8), to: resolved, shown: path, paths: workspace.paths)
        }
    }

    /// Writes `bytes` to the resolved `path` atomically, creating parent directories.
    static func write(
        _ bytes: [UInt8], to path: String, shown: String, paths: ConfinedPaths
    ) throws -> FileToolResult {
        let existing = FileIO.kind(of: path)
        switch existing?.kind {
        case nil, .regular?: break
        case .directory?: throw FileToolError("'\(shown)' is a directory")
        case .symlink?: throw FileToolError("'\(shown)' is a symlink that cannot be followed")
        case .other(let kind)?: throw FileToolError("'\(shown)' is a \(kind), not a regular file")
        }
        let parent = path.split(separator: "/").dropLast().joined(separator: "/")
        let created = try FileIO.createDirectories("/" + parent, shown: shown, paths: paths)
        do {
            let temp = try FileIO.stage(bytes, for: path, shown: shown, mode: existing?.mode, paths: paths)
            try FileIO.commit(temp, to: path, shown: shown, paths: paths)
        } catch {
            FileIO.removeDirectories(created, paths: paths)
            throw error
        }
        return FileToolResult(text: "wrote \(bytes.count) bytes to \(shown)\(existing == nil ? " (new file)" : "")")
    }
}
