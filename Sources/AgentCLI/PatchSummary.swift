import AgentModel
import Foundation

/// A compact account of what an `apply_patch` call changes: `path: +3 -1` per file.
///
/// Reads the call's arguments as agentd records them: a native `apply_patch_call`'s `operation`
/// (`{"type": "create_file" | "update_file" | "delete_file", "path", "diff"?}`) or the function tool's
/// `{"patch": …}` (a V4A patch or a unified diff).
enum PatchSummary {
    /// What one file gets.
    struct FileChange: Equatable {
        var path: String
        var added = 0
        var removed = 0
        var deleted = false

        var text: String { deleted ? "\(path): deleted" : "\(path): +\(added) -\(removed)" }
    }

    /// `path: +a -r` for each file, joined by `, `; nil when the arguments are not a patch.
    static func of(arguments: String) -> String? {
        guard let json = try? JSONValue.parse(arguments) else { return nil }
        let files: [FileChange]
        if let patch = json["patch"]?.stringValue {
            files = changes(inPatch: patch)
        } else if let path = json["path"]?.stringValue, let type = json["type"]?.stringValue {
            var change = FileChange(path: path)
            if type == "delete_file" {
                change.deleted = true
            } else {
                count(json["diff"]?.stringValue ?? "", into: &change)
            }
            files = [change]
        } else {
            return nil
        }
        return files.isEmpty ? nil : files.map(\.text).joined(separator: ", ")
    }

    /// The patch an `apply_patch` call applies, as text to show: a native operation as a V4A file section
    /// (`*** Update File: path` and its hunks), the function tool's patch as given; nil when the arguments are not a
    /// patch.
    static func patchText(arguments: String) -> String? {
        guard let json = try? JSONValue.parse(arguments) else { return nil }
        if let patch = json["patch"]?.stringValue { return patch }
        guard let path = json["path"]?.stringValue, let type = json["type"]?.stringValue else { return nil }
        let diff = json["diff"]?.stringValue ?? ""
        let header =
            switch type {
            case "create_file": "*** Add File: \(path)"
            case "delete_file": "*** Delete File: \(path)"
            default: "*** Update File: \(path)"
            }
        return header + "\n" + diff
    }

    /// The files of a V4A patch (`*** Add File:` …) or a unified diff (`+++ b/path`), with their line counts.
    static func changes(inPatch patch: String) -> [FileChange] {
        var files: [FileChange] = []
        var previousOld: String?
        for line in patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let path = header(line, ["*** Add File: ", "*** Update File: "]) {
                files.append(FileChange(path: path))
            } else if let path = header(line, ["*** Delete File: "]) {
                files.append(FileChange(path: path, deleted: true))
            } else if line.hasPrefix("--- ") {
                previousOld = unifiedPath(String(line.dropFirst(4)))
            } else if line.hasPrefix("+++ ") {
                let new = unifiedPath(String(line.dropFirst(4)))
                let deleted = new == nil
                files.append(FileChange(path: new ?? previousOld ?? "?", deleted: deleted))
            } else if !files.isEmpty, !line.hasPrefix("***") {
                count(line, into: &files[files.count - 1])
            }
        }
        return files
    }

    /// Adds the `+` and `-` lines of `diff` to `change`.
    static func count(_ diff: String, into change: inout FileChange) {
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("+") {
                change.added += 1
            } else if line.hasPrefix("-") {
                change.removed += 1
            }
        }
    }

    private static func header(_ line: String, _ prefixes: [String]) -> String? {
        for prefix in prefixes where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The path of a unified-diff header (`a/x` → `x`), nil for `/dev/null`.
    private static func unifiedPath(_ raw: String) -> String? {
        let path = String(raw.split(separator: "\t", maxSplits: 1).first ?? "")
        if path == "/dev/null" { return nil }
        if path.hasPrefix("a/") || path.hasPrefix("b/") { return String(path.dropFirst(2)) }
        return path
    }
}
