import AgentModel

/// How a tool call looks in an editor: its kind, a title a person understands, the files it touches, and for
/// writes and patches the change as `diff` blocks.
struct ToolPresentation: Equatable {
    var kind: ToolCallFields.Kind
    var title: String
    var locations: [ToolCallLocation]
    var diffs: [ToolCallContent]
    /// The arguments as JSON (the text the model produced when it is not JSON).
    var rawInput: JSONValue

    /// Describes a call of `name` with `arguments` (JSON text) in a run whose working directory is `cwd`.
    init(name: String, arguments: String, cwd: String) {
        let parsed = try? JSONValue.parse(arguments)
        rawInput = parsed ?? .string(arguments)
        let string = { (key: String) in parsed?[key]?.stringValue }
        let absolute = { (path: String) in Self.absolute(path, cwd: cwd) }
        diffs = []
        locations = []
        switch name {
        case "shell":
            kind = .execute
            // A function call has `cmd`; a native shell_call's action has `commands`.
            let commands = parsed?["commands"]?.arrayValue?.compactMap(\.stringValue)
            title = Self.oneLine(string("cmd") ?? commands?.joined(separator: " && ") ?? "shell")
        case "read_file":
            kind = .read
            let path = string("path") ?? ""
            title = "Read \(path)"
            locations = [ToolCallLocation(path: absolute(path), line: parsed?["offset"]?.intValue)]
        case "list_dir":
            kind = .read
            let path = string("path") ?? "."
            title = "List \(path)"
            locations = [ToolCallLocation(path: absolute(path))]
        case "search":
            kind = .search
            let path = string("path") ?? "."
            title = "Search \(path) for \(Self.oneLine(string("pattern") ?? ""))"
            locations = [ToolCallLocation(path: absolute(path))]
        case "write_file":
            kind = .edit
            let path = string("path") ?? ""
            title = "Write \(path)"
            locations = [ToolCallLocation(path: absolute(path))]
            if let content = string("content") {
                diffs = [.diff(path: absolute(path), oldText: nil, newText: content)]
            }
        case "apply_patch":
            kind = .edit
            if string("patch") == nil, let path = string("path") {
                // A native apply_patch_call's operation: one file, its diff in the V4A format.
                title = "\(string("type") == "delete_file" ? "Delete" : "Patch") \(path)"
                locations = [ToolCallLocation(path: absolute(path))]
                break
            }
            let sides = PatchSides(patch: string("patch") ?? "")
            title = "Patch " + (sides.files.isEmpty ? "files" : sides.files.map(\.path).joined(separator: ", "))
            locations = sides.files.map { ToolCallLocation(path: absolute($0.path)) }
            diffs = sides.files.map { .diff(path: absolute($0.path), oldText: $0.oldText, newText: $0.newText) }
        default:
            kind = .other
            // MCP tools are offered as `server__tool`.
            if let range = name.range(of: "__") {
                title = "\(name[..<range.lowerBound]): \(name[range.upperBound...])"
            } else {
                title = name
            }
        }
    }

    /// The first line of `text`, at most 160 characters.
    static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let line = first.count < text.count ? first + " …" : first
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// `path` made absolute against `cwd` (`.` and `./` segments removed).
    static func absolute(_ path: String, cwd: String) -> String {
        if path.hasPrefix("/") { return path }
        var parts = cwd.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(String(part)) }
        }
        return "/" + parts.joined(separator: "/")
    }
}
