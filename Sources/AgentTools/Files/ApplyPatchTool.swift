import AgentModel
import Glibc

/// The built-in `apply_patch` tool: applies a V4A patch (see ``V4APatch``) or a unified diff to files in the
/// workspace, all files or none; as a native `apply_patch_call`, one V4A operation (see ``runNative(_:kind:context:)``).
///
/// See ``UnifiedDiff`` for the accepted unified format and ``TextFile/apply(_:path:)`` for where hunks go (exact line
/// matches, nearest to the header's line numbers; no fuzz). Every file is patched in memory first; only when all
/// apply are the new contents staged in temp files and renamed over the targets, and deleted files removed. The
/// output lists the changed files, `M path`, `A path` or `D path`, one a line.
public struct ApplyPatchTool: Tool {
    /// Creates the tool.
    public init() {}

    public var name: String { "apply_patch" }
    public var isIdempotent: Bool { false }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "apply_patch",
            "description": .string(
                "Apply a patch to files in the workspace: a V4A patch ('*** Begin Patch', then '*** Add File: path' "
                    + "with '+' lines, '*** Update File: path' with '@@ anchor' hunks of ' ', '-' and '+' lines, or "
                    + "'*** Delete File: path', then '*** End Patch'), or a unified diff ('--- a/path', '+++ b/path', "
                    + "'@@ -l,s +l,s @@' hunks whose ' ' context and '-' lines must match the file exactly; /dev/null "
                    + "as the old path creates a file, as the new path deletes one). Either every file is changed or, "
                    + "if any hunk does not apply, none is and the reason is returned."),
            "parameters": [
                "type": "object",
                "properties": [
                    "patch": [
                        "type": "string",
                        "description": .string(
                            "The patch, e.g. '*** Begin Patch\\n*** Update File: src/main.c\\n@@\\n int x;\\n"
                                + "-int y;\\n+long y;\\n int z;\\n*** End Patch\\n'. Paths are relative to the "
                                + "run's working directory."),
                    ]
                ],
                "required": ["patch"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        await FileToolRun.outcome(timeout: context.limits.defaultTimeout) { _ in
            let arguments = try ToolArguments(parsing: arguments, allowed: ["patch"])
            let patch = try arguments.string("patch")
            guard !patch.isEmpty else { throw ArgumentError("'patch' must not be empty") }
            do {
                let workspace = try Workspace(context: context)
                var plan = PatchPlan(workspace: workspace, maxFileBytes: context.limits.files.patchFileBytes)
                if V4APatch.isEnvelope(patch) {
                    for operation in try V4APatch.parse(envelope: patch).operations { try plan.add(operation) }
                } else {
                    for file in try UnifiedDiff.parse(patch).files { try plan.add(file) }
                }
                return FileToolResult(text: try plan.commit())
            } catch let error as FileToolError {
                throw FileToolError("patch not applied: \(error.message); no files were changed")
            }
        }
    }
}

/// The files one `apply_patch` call changes, patched in memory until ``commit()``.
struct PatchPlan {
    private struct Target {
        var shown: String
        /// The file's permissions on disk, or `nil` when it did not exist.
        var originalMode: mode_t?
        /// The content after the patch so far, `nil` for no file.
        var content: TextFile?
    }

    let workspace: Workspace
    let maxFileBytes: Int
    private var order: [String] = []
    private var targets: [String: Target] = [:]

    init(workspace: Workspace, maxFileBytes: Int) {
        self.workspace = workspace
        self.maxFileBytes = maxFileBytes
    }

    /// Applies one file's hunks to the planned content (a path may appear more than once).
    mutating func add(_ file: UnifiedDiff.FilePatch) throws {
        let shown = file.path
        let resolved = try workspace.resolve(shown)
        var target = try targets[resolved] ?? load(resolved, shown: shown)
        if file.oldPath == nil {
            guard target.content == nil else {
                throw FileToolError("'\(shown)' already exists; a diff from /dev/null only creates new files")
            }
            var content = TextFile.empty
            try content.apply(file.hunks, path: shown)
            target.content = content
        } else {
            guard var content = target.content else { throw FileToolError("'\(shown)' does not exist") }
            try content.apply(file.hunks, path: shown)
            if file.newPath == nil {
                guard content.lines.isEmpty else {
                    throw FileToolError(
                        "the diff deletes '\(shown)' but leaves \(content.lines.count) of its lines; its hunks must "
                            + "remove every line")
                }
                target.content = nil
            } else {
                target.content = content
            }
        }
        if targets[resolved] == nil { order.append(resolved) }
        targets[resolved] = target
    }

    /// Replaces the planned content of `shown` by what `change` makes of it (`nil`: no file), for patch formats
    /// other than unified diffs.
    mutating func change(_ shown: String, _ change: (TextFile?) throws -> TextFile?) throws {
        let resolved = try workspace.resolve(shown)
        var target = try targets[resolved] ?? load(resolved, shown: shown)
        target.content = try change(target.content)
        if targets[resolved] == nil { order.append(resolved) }
        targets[resolved] = target
    }

    /// Writes every planned file and returns the summary (`M path`, `A path`, `D path`).
    ///
    /// New contents are staged next to their targets first; if staging fails, the staged files and created
    /// directories are removed and nothing has changed. The renames and removals that follow rarely fail; if one
    /// does, the error lists the files already changed.
    func commit() throws -> String {
        let paths = workspace.paths
        var staged: [(temp: String, path: String)] = []
        var createdDirectories: [String] = []
        do {
            for path in order {
                guard let target = targets[path], let content = target.content else { continue }
                if target.originalMode == nil {
                    let parent = "/" + path.split(separator: "/").dropLast().joined(separator: "/")
                    createdDirectories += try FileIO.createDirectories(parent, shown: target.shown, paths: paths)
                }
                staged.append(
                    (
                        try FileIO.stage(
                            content.bytes, for: path, shown: target.shown, mode: target.originalMode, paths: paths),
                        path
                    ))
            }
        } catch {
            for entry in staged { FileIO.remove(entry.temp, paths: paths) }
            FileIO.removeDirectories(createdDirectories, paths: paths)
            throw error
        }
        var summary: [String] = []
        var done: [String] = []
        func fail(_ error: Error) -> Error {
            for entry in staged { FileIO.remove(entry.temp, paths: paths) }
            let message = (error as? FileToolError)?.message ?? "\(error)"
            // Not a FileToolError: the caller must not add "no files were changed".
            return PartialPatchError(message: message, changed: done)
        }
        for path in order {
            guard let target = targets[path] else { continue }
            switch (target.originalMode != nil, target.content != nil) {
            case (true, true):
                summary.append("M \(target.shown)")
            case (false, true):
                summary.append("A \(target.shown)")
            case (true, false):
                summary.append("D \(target.shown)")
            case (false, false):
                continue
            }
        }
        for (temp, path) in staged {
            do {
                try FileIO.commit(temp, to: path, shown: targets[path]?.shown ?? path, paths: paths)
            } catch {
                throw fail(error)
            }
            done.append(targets[path]?.shown ?? path)
        }
        for path in order where targets[path]?.content == nil && targets[path]?.originalMode != nil {
            let shown = targets[path]?.shown ?? path
            let code = FileIO.remove(path, paths: paths)
            guard code == 0 else { throw fail(FileToolError("delete", shown, errno: code)) }
            done.append(shown)
        }
        return "applied patch:\n" + summary.joined(separator: "\n")
    }

    private func load(_ path: String, shown: String) throws -> Target {
        guard let info = FileIO.kind(of: path) else { return Target(shown: shown, originalMode: nil, content: nil) }
        let bytes = try FileIO.readAll(path, shown: shown, maxBytes: maxFileBytes, paths: workspace.paths)
        guard !FileIO.looksBinary(bytes), let content = TextFile(bytes: bytes) else {
            throw FileToolError("'\(shown)' is not a UTF-8 text file")
        }
        return Target(shown: shown, originalMode: info.mode, content: content)
    }
}

/// A commit that failed after some files were already changed.
struct PartialPatchError: Error, CustomStringConvertible {
    var message: String
    var changed: [String]

    var description: String {
        "patch partly applied: \(message); already changed: \(changed.isEmpty ? "none" : changed.joined(separator: ", "))"
    }
}
